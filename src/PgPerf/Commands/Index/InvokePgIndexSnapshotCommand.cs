using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Captures the usage counters of every user index into pgperf.index_usage_snapshots (run hourly); with -Repository,
/// those of every registered server, read through its pg_monitor login and stored in the repository as that server.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgIndexSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgIndexSnapshotCommand : PgSnapshotCmdlet
{
    protected override string Action => "SELECT pgperf.capture_index_usage_snapshot()";

    protected override string Counted => "index rows";

    protected override PgSnapshotResult Capture(PgConnectionInfo target) =>
        Engine.Get<IIndexService>(target).CaptureSnapshot(CancellationToken);

    private protected override string RepositoryAction => "Read the index counters there and ingest them (pgperf.ingest_index_usage_snapshot)";

    private protected override PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo monitored) =>
        registry.CaptureIndexUsage(server, Engine.Get<IMonitoredServerService>(monitored), CancellationToken);
}
