namespace PgPerf;

/// <summary>One reading of an index's cumulative counters: a snapshot row, or the live values.</summary>
public sealed record IndexUsagePoint
{
    public DateTimeOffset CapturedAt { get; init; }
    public long Scans { get; init; }
    public long TuplesRead { get; init; }
    public long TuplesFetched { get; init; }

    /// <summary>pg_stat_database.stats_reset at that time (null when the database was never reset).</summary>
    public DateTimeOffset? StatsReset { get; init; }

    public DateTimeOffset? ServerStartedAt { get; init; }

    /// <summary>pg_stat_user_indexes.last_idx_scan (PostgreSQL 16+; null before).</summary>
    public DateTimeOffset? LastScanAt { get; init; }
}

/// <summary>What the history of one index adds up to over the look-back window, before any threshold.</summary>
public sealed record IndexUsageSummary
{
    /// <summary>Where observation begins (the first reading's observed start).</summary>
    public DateTimeOffset? ObservedSince { get; init; }
    public double ObservedSeconds { get; init; }
    public double BlindSeconds { get; init; }
    public int BlindGaps { get; init; }

    /// <summary>Scans in steps that end inside the last MinDaysUnused days.</summary>
    public long ScansInWindow { get; init; }

    /// <summary>last_idx_scan when the server has it (16+), else the last reading whose step had scans; null when no scan was seen.</summary>
    public DateTimeOffset? LastScanAt { get; init; }

    /// <summary>Observed time after <see cref="LastScanAt"/>, or all time since last_idx_scan (null when no scan was seen).</summary>
    public double? UnusedSeconds { get; init; }
}

/// <summary>What the history of one index says.</summary>
public sealed record IndexUsageAssessment
{
    public string Status { get; init; } = "";
    public double DaysSinceLastScan { get; init; }
    public long ScansInWindow { get; init; }
    public double ObservedDays { get; init; }
    public double BlindDays { get; init; }
    public int BlindGaps { get; init; }
    public DateTimeOffset? ObservedSince { get; init; }
    public DateTimeOffset? LastScanAt { get; init; }
}

/// <summary>
/// The unused-index rule. Counters are cumulative, so two readings observe everything between them,
/// but only when nothing reset them in between. A step between two readings is continuous only if
/// stats_reset and the server start are unchanged and no counter went down; otherwise it is blind up to
/// the reset (the later of stats_reset and the server start, when it falls inside the step) and the new
/// value is a lower bound of the scans since. A restart is treated as blind because a crash discards the
/// counters and PostgreSQL does not say which kind of restart it was.
/// Day counts are observed time only, with one exception: from PostgreSQL 16 the live reading carries
/// pg_stat_user_indexes.last_idx_scan, the server's own time of the index's last scan. When it is set it is the last
/// scan, and the time since it counts whole, also before the history began and across blind steps: the server's
/// statistics have run without a break since then, because a reset or a crash would have cleared it (when it is
/// null, after a reset, a crash, or on a never-scanned index, the history decides as before). A snapshot step only
/// says that a scan happened somewhere inside it, up to an hour or a day before the step's end.
/// <see cref="Assess"/> is the reference: pgperf.index_usage_points (003)
/// applies the rule in SQL over the readings, and pgperf.index_usage_summary (006; 021 for last_idx_scan) from the steps stored at
/// capture time, which Get-PgUnusedIndex and detect_unused_indexes read; tests hold all of them together.
/// The status rule of <see cref="Judge"/> is pgperf.index_usage_status (028) in SQL, which both of those read for their
/// status; IndexUsageVerdictSourcesTests holds the two together.
/// </summary>
public static class IndexUsageVerdict
{
    public const int ActiveDays = 7;
    public const long ConsiderDroppingBytes = 10L * 1024 * 1024;

    /// <summary>How far back the history is read for a given -MinDaysUnused.</summary>
    public static int LookbackDays(int minDaysUnused) => Math.Max(2 * minDaysUnused, 90);

    /// <param name="points">The index's readings in time order; the last one is normally the live reading.</param>
    /// <param name="monitoringStartedAt">The earliest snapshot of the database in the history read (null when there is none):
    /// an index missing from it was created later, so its counters cannot be trusted back to the reset.</param>
    public static IndexUsageAssessment Assess(IReadOnlyList<IndexUsagePoint> points, DateTimeOffset? monitoringStartedAt,
        DateTimeOffset now, long sizeBytes, int minDaysUnused, bool ignoreStatsAge)
    {
        if (minDaysUnused < 1)
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"MinDaysUnused must be 1 or more (got {minDaysUnused}).") { ParameterName = "MinDaysUnused" };
        if (points.Count == 0)
            return new IndexUsageAssessment { Status = PgIndexStatus.InsufficientData };

        var steps = new List<(DateTimeOffset At, DateTimeOffset ObservedFrom, long Scans)>(points.Count);
        double blindSeconds = 0;
        var blindGaps = 0;
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var origin = Later(p.StatsReset, p.ServerStartedAt);
            if (i == 0)
            {
                var appearedLater = monitoringStartedAt is { } started && p.CapturedAt > started;
                var from = appearedLater || origin is null || origin > p.CapturedAt ? p.CapturedAt : origin.Value;
                steps.Add((p.CapturedAt, from, p.Scans));
                continue;
            }

            var prev = points[i - 1];
            var reset = p.StatsReset != prev.StatsReset || p.Scans < prev.Scans || p.TuplesRead < prev.TuplesRead || p.TuplesFetched < prev.TuplesFetched;
            var continuous = !reset && p.ServerStartedAt == prev.ServerStartedAt;
            var scans = reset ? p.Scans : Math.Max(p.Scans - prev.Scans, 0);
            if (continuous)
            {
                steps.Add((p.CapturedAt, prev.CapturedAt, scans));
                continue;
            }
            var observedFrom = origin is { } o && o > prev.CapturedAt && o <= p.CapturedAt ? o : p.CapturedAt;
            blindGaps++;
            blindSeconds += (observedFrom - prev.CapturedAt).TotalSeconds;
            steps.Add((p.CapturedAt, observedFrom, scans));
        }

        DateTimeOffset? lastSeen = null;
        double? unusedSeconds = null;
        if (points[^1].LastScanAt is { } exact)
        {
            // The server's own time of the last scan: exact, and proof of no scan since, history or not.
            lastSeen = exact;
            unusedSeconds = Math.Max((points[^1].CapturedAt - exact).TotalSeconds, 0);
        }
        else
        {
            foreach (var s in steps)
                if (s.Scans > 0 && (lastSeen is null || s.At > lastSeen))
                    lastSeen = s.At;
            if (lastSeen is { } seen)
                unusedSeconds = steps.Where(s => s.At > seen).Sum(s => (s.At - Later(s.ObservedFrom, seen)!.Value).TotalSeconds);
        }

        var observedSeconds = steps.Sum(s => (s.At - s.ObservedFrom).TotalSeconds);
        var windowStart = now.AddDays(-minDaysUnused);
        var scansInWindow = steps.Where(s => s.At > windowStart).Sum(s => s.Scans);

        return Judge(new IndexUsageSummary
        {
            ObservedSince = steps[0].ObservedFrom, ObservedSeconds = observedSeconds, BlindSeconds = blindSeconds, BlindGaps = blindGaps,
            ScansInWindow = scansInWindow, LastScanAt = lastSeen, UnusedSeconds = unusedSeconds,
        }, sizeBytes, minDaysUnused, ignoreStatsAge);
    }

    /// <summary>
    /// The status from what a history says (computed by <see cref="Assess"/> from the readings, or by
    /// pgperf.index_usage_summary from the steps stored at capture time).
    /// </summary>
    public static IndexUsageAssessment Judge(IndexUsageSummary summary, long sizeBytes, int minDaysUnused, bool ignoreStatsAge)
    {
        if (minDaysUnused < 1)
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"MinDaysUnused must be 1 or more (got {minDaysUnused}).") { ParameterName = "MinDaysUnused" };
        var lastSeen = summary.LastScanAt;
        var observedDays = summary.ObservedSeconds / 86400;
        var unusedDays = (lastSeen is null ? summary.ObservedSeconds : summary.UnusedSeconds ?? 0) / 86400;
        string status;
        if (lastSeen is null && !ignoreStatsAge && observedDays < minDaysUnused)
            status = PgIndexStatus.InsufficientData;
        else if (lastSeen is not null && unusedDays < Math.Min(ActiveDays, minDaysUnused))
            status = PgIndexStatus.Active;
        else if (lastSeen is not null && unusedDays < minDaysUnused)
            status = PgIndexStatus.LowUsage;
        else
            status = sizeBytes > ConsiderDroppingBytes ? PgIndexStatus.ConsiderDropping : PgIndexStatus.Unused;

        return new IndexUsageAssessment
        {
            Status = status,
            DaysSinceLastScan = Math.Round(unusedDays, 2),
            ScansInWindow = summary.ScansInWindow,
            ObservedDays = Math.Round(observedDays, 2),
            BlindDays = Math.Round(summary.BlindSeconds / 86400, 2),
            BlindGaps = summary.BlindGaps,
            ObservedSince = summary.ObservedSince,
            LastScanAt = lastSeen,
        };
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);
}
