namespace PgPerf;

/// <summary>
/// Health check results and index bloat estimates of registered servers, stored in a central repository (migration
/// 030) and read back; bound to the repository database. Each server is read live (through <see cref="IMonitoredServerService"/>,
/// its pg_monitor login) and stored as its server_id.
/// </summary>
public interface IServerHealthHistory
{
    /// <summary>Stores check results already run on <paramref name="server"/> (Invoke-PgHealthCheck -Repository), as one run.</summary>
    PgSnapshotResult StoreHealthChecks(PgMonitoredServer server, IReadOnlyList<PgHealthCheckResult> results, CancellationToken cancellationToken);

    /// <summary>
    /// The hourly job's step: runs every check of PgHealthChecks.All on the server with its default thresholds and stores
    /// the results; a check that cannot run there is left out and named in Skipped.
    /// </summary>
    PgSnapshotResult CaptureHealthChecks(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);

    /// <summary>The hourly job's step: the catalog estimate of every B-tree index of the server, stored as one batch.</summary>
    PgSnapshotResult CaptureIndexBloat(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);

    /// <summary>The server's stored check results since <paramref name="since"/>, oldest run first, with CapturedAt.</summary>
    IReadOnlyList<PgHealthCheckResult> ReadHealthChecks(PgMonitoredServer server, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The server's stored index bloat estimates since <paramref name="since"/>, oldest run first; MeasuredAt is the run's time.</summary>
    IReadOnlyList<PgIndexBloat> ReadIndexBloat(PgMonitoredServer server, DateTimeOffset since, CancellationToken cancellationToken);
}
