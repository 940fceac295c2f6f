using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Stores what changed in pg_stat_statements since the previous snapshot (run hourly); the first one is the baseline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgStatementSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgStatementSnapshotCommand : PgPerfCmdlet
{
    // A failed snapshot is an error, not the end of the script (as before many targets).
    protected override bool TargetFailureTerminates => false;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IStatementService>(target);
        if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", "SELECT pgperf.capture_statement_snapshot()"))
            return;
        var result = service.CaptureSnapshot(CancellationToken);
        WriteVerbose($"Stored {result.Count} changed statements on {target.Server} in {result.DurationMs:0} ms.");
        foreach (var note in result.Skipped)
            WriteVerbose(note);
        WriteObject(result);
    }
}
