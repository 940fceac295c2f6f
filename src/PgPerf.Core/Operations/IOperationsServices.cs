namespace PgPerf;

/// <summary>Alerts in pgperf.performance_alerts (Get-PgPerfAlert, Resolve-PgPerfAlert, job failures).</summary>
public interface IAlertService
{
    IReadOnlyList<PgPerfAlert> Get(PgAlertFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves one alert and returns it; an alert that was already resolved is returned unchanged.
    /// Throws PgPerf.Alert.NotFound when there is no alert with that id.
    /// </summary>
    PgPerfAlert Resolve(long id, string resolvedBy, CancellationToken cancellationToken);

    /// <summary>
    /// Resolves one alert of <paramref name="server"/> (a server registered in this repository; null for this database's
    /// own) and returns it. Throws PgPerf.Alert.NotFound when that server has no alert with that id.
    /// </summary>
    PgPerfAlert Resolve(long id, string resolvedBy, StatementServer? server, CancellationToken cancellationToken);

    /// <summary>Opens or updates an alert through pgperf.create_performance_alert; returns its id.</summary>
    long Raise(string type, PgAlertSeverity severity, string subject, string message, IReadOnlyDictionary<string, object?>? details,
        string? dedupKey, CancellationToken cancellationToken);
}

/// <summary>Deletes old rows in batches (Invoke-PgPerfRetention and the daily job).</summary>
public interface IRetentionService
{
    /// <summary>The tables, cutoffs and how many rows each would lose (counts them).</summary>
    IReadOnlyList<PgRetentionTable> Plan(PgRetentionOptions options, CancellationToken cancellationToken);

    /// <summary>Deletes the rows older than the cutoff of one planned table, batch by batch.</summary>
    PgRetentionTable Purge(PgRetentionTable planned, int batchSize, CancellationToken cancellationToken);

    /// <summary>Plans without counting and purges every table.</summary>
    PgRetentionResult Run(PgRetentionOptions options, CancellationToken cancellationToken);
}

/// <summary>The performance summary (Get-PgPerformanceSummary), composed from the query, bloat and index services.</summary>
public interface ISummaryService
{
    PgPerformanceSummary Get(PgSummaryOptions options, CancellationToken cancellationToken);
}

/// <summary>The hourly and daily jobs (Invoke-PgHourlyMonitoring, Invoke-PgDailyMaintenance).</summary>
public interface IJobService
{
    /// <summary>The names of the job's steps, in the order they run (what -WhatIf says it would run).</summary>
    IReadOnlyList<string> StepNames(PgJobKind job);

    PgJobResult Run(PgJobKind job, PgJobOptions options, CancellationToken cancellationToken);
}
