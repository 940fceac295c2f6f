using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Stores what changed in pg_stat_statements since the previous snapshot (run hourly); the first one is the baseline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgStatementSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgStatementSnapshotCommand : PgSnapshotCmdlet
{
    protected override string Action => "SELECT pgperf.capture_statement_snapshot()";

    protected override string Counted => "changed statements";

    protected override PgSnapshotResult Capture(PgConnectionInfo target) =>
        Engine.Get<IStatementService>(target).CaptureSnapshot(CancellationToken);

    private protected override string RepositoryAction => "Read pg_stat_statements there and ingest it (pgperf.ingest_statement_snapshot)";

    private protected override PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo monitored) =>
        registry.CaptureStatements(server, Engine.Get<IMonitoredServerService>(monitored), CancellationToken);
}
