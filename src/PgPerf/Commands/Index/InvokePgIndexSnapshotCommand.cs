using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Captures the usage counters of every user index into pgperf.index_usage_snapshots (run hourly).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgIndexSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgIndexSnapshotCommand : PgPerfCmdlet
{
    protected override void ProcessRecord()
    {
        try
        {
            var target = ResolveConnection();
            var service = InstalledService<IIndexService>(target);
            if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", "SELECT pgperf.capture_index_usage_snapshot()"))
                return;
            var result = service.CaptureSnapshot(CancellationToken);
            WriteVerbose($"Captured {result.Count} index rows on {target.Server} in {result.DurationMs:0} ms.");
            WriteObject(result);
        }
        catch (PgPerfException ex)
        {
            WriteError(ToErrorRecord(ex));
        }
    }
}
