namespace PgPerf;

/// <summary>
/// The Engine as the cmdlets see it. Implemented in PgPerf.Engine, which loads in a private
/// AssemblyLoadContext; only Core types cross this boundary.
/// </summary>
public interface IPgPerfEngine
{
    /// <summary>Opens a connection to check the target; returns it with ServerVersion filled in.</summary>
    PgConnectionInfo Test(PgConnectionInfo target, CancellationToken cancellationToken);

    /// <summary>
    /// An area service (ISchemaService, and the query/index/bloat services) bound to one target.
    /// The Engine finds the implementation itself, so a new area adds no code here.
    /// </summary>
    T Get<T>(PgConnectionInfo target) where T : class;

    /// <summary>
    /// PgPerf's scheduled jobs on this machine (no target needed). A new one each call, so it sees the machine
    /// (PATH, $XDG_CONFIG_HOME, a running systemd) as it is now.
    /// </summary>
    IScheduledTaskService ScheduledTasks();

    /// <summary>Send-PgQueryLog's and Measure-PgQuery's ingest: batching, the process-wide measure state, -Parameters as JSON.</summary>
    IQueryLogIngest QueryLog { get; }
}

/// <summary>Schema migrations (Install-PgPerfSchema, Get-PgPerfSchema).</summary>
public interface ISchemaService
{
    IReadOnlyList<PgMigration> Shipped { get; }

    PgPerfSchemaInfo GetStatus(CancellationToken cancellationToken);

    /// <summary>Applies the given pending versions (all pending when null) under an advisory lock.</summary>
    PgPerfSchemaInfo Install(IReadOnlyCollection<int>? versions, CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Schema.NotInstalled or PgPerf.Schema.Outdated unless every shipped migration is applied.</summary>
    void EnsureInstalled(CancellationToken cancellationToken);
}
