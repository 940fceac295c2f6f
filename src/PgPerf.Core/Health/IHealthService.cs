namespace PgPerf;

/// <summary>Filters of Get-PgActivity.</summary>
public sealed record PgActivityOptions
{
    /// <summary>Only sessions at least this long in their state or transaction (the larger of the two).</summary>
    public double MinDurationSeconds { get; init; }
    /// <summary>Only these states (null: any).</summary>
    public string[]? States { get; init; }
    /// <summary>Include idle sessions (left out by default).</summary>
    public bool IncludeIdle { get; init; }
}

/// <summary>Thresholds of Get-PgWraparoundRisk.</summary>
public sealed record PgWraparoundOptions
{
    public double WarningPercent { get; init; } = PgHealthDefaults.WraparoundWarningPercent;
    public double CriticalPercent { get; init; } = PgHealthDefaults.WraparoundCriticalPercent;
    public double FreezeMaxAgeWarningPercent { get; init; } = PgHealthDefaults.FreezeMaxAgeWarningPercent;
    /// <summary>How many of the current database's oldest tables to list (0: databases only).</summary>
    public int TopTables { get; init; } = PgHealthDefaults.WraparoundTopTables;
}

/// <summary>Thresholds of Get-PgSequenceRisk.</summary>
public sealed record PgSequenceRiskOptions
{
    public double WarningPercent { get; init; } = PgHealthDefaults.SequenceWarningPercent;
    public double CriticalPercent { get; init; } = PgHealthDefaults.SequenceCriticalPercent;
}

/// <summary>Options of Get-PgVacuumHealth.</summary>
public sealed record PgVacuumHealthOptions
{
    public double OverdueFactor { get; init; } = PgHealthDefaults.VacuumOverdueFactor;
}

/// <summary>
/// The server right now (issue 15): sessions, locks, wraparound, sequences, vacuum, connections and cache.
/// Every read works as a pg_monitor member without the pgperf schema.
/// </summary>
public interface IHealthService
{
    /// <summary>Sessions from pg_stat_activity; PgPerf's own sessions are left out.</summary>
    IReadOnlyList<PgSessionActivity> GetActivity(PgActivityOptions options, CancellationToken cancellationToken);

    /// <summary>One row per session waiting for a lock, chains resolved to their root.</summary>
    IReadOnlyList<PgBlockingSession> GetBlocking(CancellationToken cancellationToken);

    /// <summary>
    /// Looks up a session to stop; throws PgPerf.Session.NotFound for no such client session and
    /// PgPerf.Session.OwnSession for a session of this PgPerf process.
    /// </summary>
    PgSessionActivity FindSession(int pid, CancellationToken cancellationToken);

    /// <summary>pg_cancel_backend or pg_terminate_backend; refuses PgPerf's own sessions (PgPerf.Session.OwnSession).</summary>
    PgSessionStopResult StopSession(int pid, bool terminate, CancellationToken cancellationToken);

    /// <summary>Every database, then the current database's oldest tables.</summary>
    IReadOnlyList<PgWraparoundRisk> GetWraparoundRisk(PgWraparoundOptions options, CancellationToken cancellationToken);

    /// <summary>Every sequence of the current database, most used first.</summary>
    IReadOnlyList<PgSequenceRisk> GetSequenceRisk(PgSequenceRiskOptions options, CancellationToken cancellationToken);

    /// <summary>Every table and materialized view of the current database, most overdue first.</summary>
    IReadOnlyList<PgVacuumHealth> GetVacuumHealth(PgVacuumHealthOptions options, CancellationToken cancellationToken);

    PgConnectionUsage GetConnectionUsage(CancellationToken cancellationToken);

    PgCacheHitRatio GetCacheHitRatio(CancellationToken cancellationToken);
}

/// <summary>Runs the checks of PgHealthChecks against one target (Invoke-PgHealthCheck and the hourly job).</summary>
public interface IHealthCheckService
{
    /// <summary>Runs one check with the given thresholds (missing ones take their defaults); throws PgPerfException.</summary>
    PgHealthCheckResult Run(PgHealthCheckDefinition check, IReadOnlyDictionary<string, double> thresholds, CancellationToken cancellationToken);

    /// <summary>
    /// Opens or updates one alert of the check's AlertType per finding that is not Ok (deduplicated by the
    /// finding's key) and resolves the check's alerts whose finding cleared. Needs the pgperf schema.
    /// Returns how many alerts are open for the check.
    /// </summary>
    int ApplyAlerts(PgHealthCheckDefinition check, PgHealthCheckResult result, CancellationToken cancellationToken);
}
