using System.Globalization;

namespace PgPerf;

/// <summary>
/// How each check of PgHealthChecks turns rows into findings (pure, so the rules are tested without a server).
/// Findings come worst first.
/// </summary>
public static class PgHealthFindings
{
    public static IEnumerable<PgHealthFinding> Connections(PgConnectionUsage usage, double warningPercent, double criticalPercent)
    {
        var percent = usage.Used * 100d / Math.Max(usage.MaxConnections, 1);
        yield return new PgHealthFinding("max_connections", Math.Round(percent, 2),
            PgHealthStatus.AtLeast(percent, warningPercent, criticalPercent),
            $"{usage.Used} of max_connections {usage.MaxConnections} in use ({usage.ReservedConnections} reserved for superusers and roles with reserved connections; {usage.IdleInTransaction} idle in transaction)",
            "max_connections");
    }

    public static IEnumerable<PgHealthFinding> CacheHit(PgCacheHitRatio ratio, double warningPercent, double criticalPercent)
    {
        var total = ratio.BlocksHit + ratio.BlocksRead;
        if (ratio.Percent is not { } percent || total < PgHealthDefaults.CacheHitMinimumBlocks)
        {
            yield return new PgHealthFinding("shared_buffers", ratio.Percent is { } p ? Math.Round(p, 2) : null, PgHealthStatus.Ok,
                $"only {total} block accesses since the statistics reset; too few to judge", "shared_buffers");
            yield break;
        }
        yield return new PgHealthFinding("shared_buffers", Math.Round(percent, 2), PgHealthStatus.AtMost(percent, warningPercent, criticalPercent),
            $"{percent:0.##} % of {total} block accesses found in shared buffers since the statistics reset", "shared_buffers");
    }

    /// <summary>One finding per root blocker: the longest wait behind it and how many sessions wait.</summary>
    public static IEnumerable<PgHealthFinding> Blocking(IEnumerable<PgBlockingSession> rows, double warningSeconds, double criticalSeconds) =>
        rows.GroupBy(r => r.RootBlockingPid ?? r.BlockingPid)
            .Select(g =>
            {
                var longest = g.OrderByDescending(r => r.WaitSeconds).First();
                var root = g.FirstOrDefault(r => r.BlockingPid == g.Key) ?? longest;
                var query = Shorten(root.BlockingQuery);
                return new PgHealthFinding($"pid {g.Key}", Math.Round(longest.WaitSeconds, 1),
                    PgHealthStatus.AtLeast(longest.WaitSeconds, warningSeconds, criticalSeconds),
                    $"pid {g.Key} ({root.BlockingUser}, {root.BlockingState}) blocks {g.Count()} session(s); pid {longest.BlockedPid} has waited {longest.WaitSeconds:0} s for {longest.LockMode} on {longest.Relation ?? longest.LockType}; its query: {query}",
                    g.Key.ToString(CultureInfo.InvariantCulture));
            })
            .OrderByDescending(f => f.Value);

    /// <summary>Client sessions whose transaction is open longer than the thresholds.</summary>
    public static IEnumerable<PgHealthFinding> LongTransactions(IEnumerable<PgSessionActivity> sessions, double warningSeconds, double criticalSeconds) =>
        sessions.Where(s => s.TransactionSeconds is not null && s.BackendType == "client backend")
            .OrderByDescending(s => s.TransactionSeconds)
            .Select(s => new PgHealthFinding($"pid {s.Pid}", Math.Round(s.TransactionSeconds!.Value, 1),
                PgHealthStatus.AtLeast(s.TransactionSeconds.Value, warningSeconds, criticalSeconds),
                $"pid {s.Pid} ({s.User}@{s.Database}, {s.Application}, {s.State}) has had a transaction open for {s.TransactionSeconds:0} s; last query: {Shorten(s.Query)}",
                // pid plus transaction start: a new transaction on the same session is a new alert.
                $"{s.Pid}:{s.XactStart?.UtcTicks}"));

    /// <summary>Every database, and the tables whose own status is not Ok.</summary>
    public static IEnumerable<PgHealthFinding> Wraparound(IEnumerable<PgWraparoundRisk> rows) =>
        rows.Where(r => r.Scope == "Database" || r.Status != PgHealthStatus.Ok)
            .OrderByDescending(r => r.PercentToWraparound).ThenByDescending(r => r.PercentOfFreezeMaxAge)
            .Select(r => new PgHealthFinding(r.Name, Math.Round(r.PercentToWraparound, 4), r.Status,
                $"{r.Scope.ToLowerInvariant()} {r.Name}: XID age {r.XidAge}, MXID age {r.MxidAge}: {r.PercentToWraparound:0.##} % of the way to wraparound, {r.PercentOfFreezeMaxAge:0.#} % of autovacuum_freeze_max_age",
                r.Scope == "Database" ? r.Database : $"{r.Database}.{r.Name}"));

    /// <summary>Sequences by use; those this login cannot read become one Warning finding.</summary>
    public static IEnumerable<PgHealthFinding> Sequences(IEnumerable<PgSequenceRisk> rows)
    {
        var list = rows.ToList();
        foreach (var r in list.Where(r => r.PercentUsed is not null).OrderByDescending(r => r.PercentUsed))
        {
            var column = r.Column is null ? "no column" : $"{r.Table}.{r.Column} ({r.ColumnType})";
            yield return new PgHealthFinding(r.QualifiedName, Math.Round(r.PercentUsed!.Value, 4), r.Status,
                $"sequence {r.QualifiedName} feeding {column} at {r.LastValue} of {r.EffectiveLimit}: {r.PercentUsed:0.##} % used, {r.ValuesLeft} values left",
                r.QualifiedName);
        }
        var unreadable = list.Where(r => r.PercentUsed is null).ToList();
        if (unreadable.Count > 0)
            yield return new PgHealthFinding($"{unreadable.Count} sequence(s)", null, PgHealthStatus.Warning,
                $"this login cannot read the last value of {unreadable.Count} sequence(s) ({string.Join(", ", unreadable.Take(5).Select(r => r.QualifiedName))}{(unreadable.Count > 5 ? ", ..." : "")}); install the pgperf schema (pgperf.sequence_last_values) or grant SELECT on them",
                "no_access");
    }

    /// <summary>Tables whose dead rows reached the overdue factor times their autovacuum threshold.</summary>
    public static IEnumerable<PgHealthFinding> Vacuum(IEnumerable<PgVacuumHealth> rows) =>
        rows.Where(r => r.Status != PgHealthStatus.Ok)
            .Select(r => (Row: r, Factor: r.DeadTuples / Math.Max(r.VacuumThreshold, 1)))
            .OrderByDescending(x => x.Factor)
            .Select(x => new PgHealthFinding(x.Row.QualifiedName, Math.Round(x.Factor, 2), x.Row.Status,
                $"{x.Row.QualifiedName}: {x.Row.DeadTuples} dead rows, {x.Factor:0.#} times its autovacuum threshold {x.Row.VacuumThreshold:0}; last autovacuum {(x.Row.LastAutovacuum?.ToString("u", CultureInfo.InvariantCulture) ?? "never")}{(x.Row.AutovacuumEnabled ? "" : "; autovacuum is off for it")}",
                x.Row.QualifiedName));

    private static string Shorten(string? query)
    {
        var text = (query ?? "").ReplaceLineEndings(" ").Trim();
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
