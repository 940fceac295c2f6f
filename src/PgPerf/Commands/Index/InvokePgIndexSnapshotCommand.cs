using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Captures the usage counters of every user index into pgperf.index_usage_snapshots (run hourly).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgIndexSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgIndexSnapshotCommand : PgSnapshotCmdlet
{
    protected override string Action => "SELECT pgperf.capture_index_usage_snapshot()";

    protected override string Counted => "index rows";

    protected override PgSnapshotResult Capture(PgConnectionInfo target) =>
        Engine.Get<IIndexService>(target).CaptureSnapshot(CancellationToken);
}
