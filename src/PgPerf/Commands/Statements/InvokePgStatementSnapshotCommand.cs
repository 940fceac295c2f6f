using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Stores what changed in pg_stat_statements since the previous snapshot (run hourly); the first one is the baseline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgStatementSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgStatementSnapshotCommand : PgSnapshotCmdlet
{
    private const string ConnectionSet = "Connection";
    private const string RepositorySet = "Repository";

    /// <summary>A central repository: snapshots every registered server (or those -Server names) into it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards); every registered server when omitted.</summary>
    [Parameter(ParameterSetName = RepositorySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    protected override string Action => "SELECT pgperf.capture_statement_snapshot()";

    protected override string Counted => "changed statements";

    protected override void ProcessRecord()
    {
        if (Repository is null)
            base.ProcessRecord();
        else
            RunOnRegisteredServers(Repository, Server);
    }

    protected override PgSnapshotResult Capture(PgConnectionInfo target) =>
        Engine.Get<IStatementService>(target).CaptureSnapshot(CancellationToken);

    private protected override string RepositoryAction => "Read pg_stat_statements there and ingest it (pgperf.ingest_statement_snapshot)";

    private protected override PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo repository) =>
        registry.CaptureStatements(server, Engine.Get<IMonitoredServerService>(repository), CancellationToken);
}
