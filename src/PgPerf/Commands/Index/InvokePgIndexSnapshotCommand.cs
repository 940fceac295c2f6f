using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Captures the usage counters of every user index into pgperf.index_usage_snapshots (run hourly).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgIndexSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgIndexSnapshotCommand : PgPerfCmdlet
{
    // A failed snapshot is an error, not the end of the script (as before many targets).
    protected override bool TargetFailureTerminates => false;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IIndexService>(target);
        if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", "SELECT pgperf.capture_index_usage_snapshot()"))
            return;
        var result = service.CaptureSnapshot(CancellationToken);
        WriteVerbose($"Captured {result.Count} index rows on {target.Server} in {result.DurationMs:0} ms.");
        WriteObject(result);
    }
}
