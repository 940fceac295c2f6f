using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Captures the daily bloat snapshot (pgperf.capture_table_bloat_snapshot()), confirms the worst tables with
/// pgstattuple_approx when the extension is there, and raises or resolves the high_bloat alerts.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgBloatSnapshot")]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgBloatSnapshotCommand : PgPerfCmdlet
{
    /// <summary>Alert when a table is over this percentage (spec: 20).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double ThresholdPercent { get; set; } = 20;

    /// <summary>...and wastes at least this many MB.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000_000)]
    public double MinWastedMB { get; set; } = 1;

    /// <summary>Confirm estimates at or over this percentage with pgstattuple_approx.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double ConfirmAbovePercent { get; set; } = 20;

    /// <summary>Seconds allowed for the confirmations.</summary>
    [Parameter]
    [ValidateRange(0, 86_400)]
    public int TimeBudgetSeconds { get; set; } = 60;

    [Parameter]
    public SwitchParameter NoConfirm { get; set; }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IBloatService>(target);
        var result = service.CaptureSnapshot(new PgBloatSnapshotOptions
        {
            AlertThresholdPercent = ThresholdPercent,
            AlertMinWastedBytes = (long)(MinWastedMB * 1024 * 1024),
            ConfirmAbovePercent = ConfirmAbovePercent,
            TimeBudgetSeconds = TimeBudgetSeconds,
            NoConfirm = NoConfirm,
        }, CancellationToken);
        WriteVerbose($"Captured bloat of {result.Count} tables on {target.Server} in {result.DurationMs:n0} ms.");
        foreach (var skipped in result.Skipped)
            WriteVerbose($"Kept the estimate of {skipped}.");
        WriteObject(result);
    }
}
