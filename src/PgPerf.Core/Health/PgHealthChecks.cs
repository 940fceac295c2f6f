using System.Globalization;

namespace PgPerf;

/// <summary>One threshold of a health check: the Invoke-PgHealthCheck parameter that sets it, its default and range.</summary>
public sealed record PgHealthThreshold(string Parameter, double Default, double Minimum, double Maximum);

/// <summary>
/// One health check: its name (the Check column), the alert type the hourly job raises for its findings (null:
/// no alert), the unit of its values, its thresholds, and the engine call that turns the server's state into
/// findings with a Status.
/// </summary>
public sealed record PgHealthCheckDefinition(
    string Name,
    string? AlertType,
    string Unit,
    PgHealthThreshold[] Thresholds,
    Func<PgHealthCheckContext, IEnumerable<PgHealthFinding>> Run);

/// <summary>What a check's Run gets: the area services of its target, the thresholds in force and cancellation.</summary>
public sealed class PgHealthCheckContext
{
    private readonly Func<Type, object> _services;
    private readonly IReadOnlyDictionary<string, double> _thresholds;

    public PgHealthCheckContext(Func<Type, object> services, IReadOnlyDictionary<string, double> thresholds, CancellationToken cancellation)
    {
        _services = services;
        _thresholds = thresholds;
        Cancellation = cancellation;
    }

    public CancellationToken Cancellation { get; }

    /// <summary>An area service bound to the check's target (IHealthService, or another area's interface).</summary>
    public T Service<T>() where T : class => (T)_services(typeof(T));

    public IHealthService Health => Service<IHealthService>();

    /// <summary>The value of a threshold parameter: the caller's, else its default.</summary>
    public double this[string parameter] => _thresholds.TryGetValue(parameter, out var value)
        ? value
        : PgHealthChecks.Threshold(parameter)?.Default ?? throw new ArgumentException($"No health check has a threshold named {parameter}.", nameof(parameter));
}

/// <summary>
/// The checks Invoke-PgHealthCheck runs and the hourly job alerts on. <b>To add a check, add one entry to
/// <see cref="All"/></b>: Invoke-PgHealthCheck offers its thresholds as parameters, runs it, and the hourly job
/// raises and resolves its alerts when it has an AlertType. Describe each new threshold parameter in
/// module/help/Invoke-PgHealthCheck.psd1.
/// </summary>
public static class PgHealthChecks
{
    public static IReadOnlyList<PgHealthCheckDefinition> All { get; } = new PgHealthCheckDefinition[]
    {
        new("connections", null, "percent",
            new[]
            {
                new PgHealthThreshold("ConnectionsWarningPercent", PgHealthDefaults.ConnectionsWarningPercent, 1, 100),
                new PgHealthThreshold("ConnectionsCriticalPercent", PgHealthDefaults.ConnectionsCriticalPercent, 1, 100),
            },
            c => PgHealthFindings.Connections(c.Health.GetConnectionUsage(c.Cancellation), c["ConnectionsWarningPercent"], c["ConnectionsCriticalPercent"])),

        new("cache_hit", null, "percent",
            new[]
            {
                new PgHealthThreshold("CacheHitWarningPercent", PgHealthDefaults.CacheHitWarningPercent, 0, 100),
                new PgHealthThreshold("CacheHitCriticalPercent", PgHealthDefaults.CacheHitCriticalPercent, 0, 100),
            },
            c => PgHealthFindings.CacheHit(c.Health.GetCacheHitRatio(c.Cancellation), c["CacheHitWarningPercent"], c["CacheHitCriticalPercent"])),

        new("blocking", "blocking", "seconds",
            new[]
            {
                new PgHealthThreshold("BlockingWarningSeconds", PgHealthDefaults.BlockingWarningSeconds, 0, 86400),
                new PgHealthThreshold("BlockingCriticalSeconds", PgHealthDefaults.BlockingCriticalSeconds, 0, 86400),
            },
            c => PgHealthFindings.Blocking(c.Health.GetBlocking(c.Cancellation), c["BlockingWarningSeconds"], c["BlockingCriticalSeconds"])),

        new("long_transaction", "long_transaction", "seconds",
            new[]
            {
                new PgHealthThreshold("LongTransactionWarningSeconds", PgHealthDefaults.LongTransactionWarningSeconds, 0, 604800),
                new PgHealthThreshold("LongTransactionCriticalSeconds", PgHealthDefaults.LongTransactionCriticalSeconds, 0, 604800),
            },
            c => PgHealthFindings.LongTransactions(
                c.Health.GetActivity(new PgActivityOptions { IncludeIdle = false }, c.Cancellation),
                c["LongTransactionWarningSeconds"], c["LongTransactionCriticalSeconds"])),

        new("wraparound", "wraparound", "percent",
            new[]
            {
                new PgHealthThreshold("WraparoundWarningPercent", PgHealthDefaults.WraparoundWarningPercent, 0, 100),
                new PgHealthThreshold("WraparoundCriticalPercent", PgHealthDefaults.WraparoundCriticalPercent, 0, 100),
                new PgHealthThreshold("FreezeMaxAgeWarningPercent", PgHealthDefaults.FreezeMaxAgeWarningPercent, 0, 1000),
            },
            c => PgHealthFindings.Wraparound(c.Health.GetWraparoundRisk(new PgWraparoundOptions
            {
                WarningPercent = c["WraparoundWarningPercent"],
                CriticalPercent = c["WraparoundCriticalPercent"],
                FreezeMaxAgeWarningPercent = c["FreezeMaxAgeWarningPercent"],
            }, c.Cancellation))),

        new("sequences", "sequence_exhaustion", "percent",
            new[]
            {
                new PgHealthThreshold("SequenceWarningPercent", PgHealthDefaults.SequenceWarningPercent, 0, 100),
                new PgHealthThreshold("SequenceCriticalPercent", PgHealthDefaults.SequenceCriticalPercent, 0, 100),
            },
            c => PgHealthFindings.Sequences(c.Health.GetSequenceRisk(new PgSequenceRiskOptions
            {
                WarningPercent = c["SequenceWarningPercent"],
                CriticalPercent = c["SequenceCriticalPercent"],
            }, c.Cancellation))),

        new("vacuum", null, "factor",
            new[] { new PgHealthThreshold("VacuumOverdueFactor", PgHealthDefaults.VacuumOverdueFactor, 1, 1000) },
            c => PgHealthFindings.Vacuum(c.Health.GetVacuumHealth(new PgVacuumHealthOptions { OverdueFactor = c["VacuumOverdueFactor"] }, c.Cancellation))),

        new("replication_lag", "replication_lag", "bytes",
            new[]
            {
                new PgHealthThreshold("ReplicationLagWarningSeconds", ReplicationRules.DefaultLagWarningSeconds, 0, 31_536_000),
                new PgHealthThreshold("ReplicationLagCriticalSeconds", ReplicationRules.DefaultLagCriticalSeconds, 0, 31_536_000),
                new PgHealthThreshold("ReplicationLagWarningMB", ReplicationRules.DefaultLagWarningBytes / Megabyte, 0, 100_000_000),
                new PgHealthThreshold("ReplicationLagCriticalMB", ReplicationRules.DefaultLagCriticalBytes / Megabyte, 0, 100_000_000),
            },
            c => ReplicationRules.LagFindings(c.Service<IReplicationService>().Read(ReplicationThresholds(c), c.Cancellation))),

        new("inactive_slot", "inactive_slot", "bytes",
            new[]
            {
                new PgHealthThreshold("SlotWarningMB", ReplicationRules.DefaultSlotWarningBytes / Megabyte, 0, 100_000_000),
                new PgHealthThreshold("SlotCriticalMB", ReplicationRules.DefaultSlotCriticalBytes / Megabyte, 0, 100_000_000),
            },
            c => ReplicationRules.SlotFindings(c.Service<IReplicationService>().Read(ReplicationThresholds(c), c.Cancellation))),

        new("index_bloat", null, "percent",
            new[]
            {
                new PgHealthThreshold("IndexBloatWarningPercent", BloatMath.IndexWarningPercent, 0, 100),
                new PgHealthThreshold("IndexBloatCriticalPercent", BloatMath.IndexCriticalPercent, 0, 100),
                new PgHealthThreshold("IndexBloatMinWastedMB", IndexBloatFindings.DefaultMinWastedMB, 0, 100_000_000),
            },
            c => IndexBloatFindings.Find(c.Service<IIndexBloatService>().Estimate(c.Cancellation),
                c["IndexBloatWarningPercent"], c["IndexBloatCriticalPercent"], (long)(c["IndexBloatMinWastedMB"] * Megabyte))),
    };

    private const double Megabyte = 1024 * 1024;

    // Both replication checks read with every replication threshold (a check uses the statuses it reports).
    private static PgReplicationThresholds ReplicationThresholds(PgHealthCheckContext c) => new()
    {
        LagWarningSeconds = c["ReplicationLagWarningSeconds"],
        LagCriticalSeconds = c["ReplicationLagCriticalSeconds"],
        LagWarningBytes = (long)(c["ReplicationLagWarningMB"] * Megabyte),
        LagCriticalBytes = (long)(c["ReplicationLagCriticalMB"] * Megabyte),
        SlotWarningBytes = (long)(c["SlotWarningMB"] * Megabyte),
        SlotCriticalBytes = (long)(c["SlotCriticalMB"] * Megabyte),
    };

    /// <summary>The threshold with this parameter name in any check, or null.</summary>
    public static PgHealthThreshold? Threshold(string parameter) =>
        All.SelectMany(c => c.Thresholds).FirstOrDefault(t => string.Equals(t.Parameter, parameter, StringComparison.OrdinalIgnoreCase));

    /// <summary>One result row from a check's findings: the worst status, its value and target, and a count.</summary>
    public static PgHealthCheckResult Summarize(PgHealthCheckDefinition check, IEnumerable<PgHealthFinding> findings, Func<string, double> threshold)
    {
        // Stable: among equal statuses the check's own order (worst value first) decides.
        var ordered = findings.OrderByDescending(f => PgHealthStatus.Rank(f.Status)).ToList();
        var notOk = ordered.Where(f => f.Status != PgHealthStatus.Ok).ToArray();
        var worst = ordered.FirstOrDefault();
        var detail = worst is null
            ? "nothing to report"
            : notOk.Length > 1 ? $"{notOk.Length} findings; worst: {worst.Detail}" : worst.Detail;
        return new PgHealthCheckResult
        {
            Check = check.Name,
            Status = worst?.Status ?? PgHealthStatus.Ok,
            Value = worst?.Value,
            Unit = check.Unit,
            Threshold = string.Join(", ", check.Thresholds.Select(t => $"{t.Parameter} {threshold(t.Parameter).ToString("0.####", CultureInfo.InvariantCulture)}")),
            Detail = detail,
            Target = worst?.Target,
            Count = notOk.Length,
            Findings = notOk,
        };
    }
}
