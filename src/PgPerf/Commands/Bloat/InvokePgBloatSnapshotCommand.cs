using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Captures the daily bloat snapshot (pgperf.capture_table_bloat_snapshot()), confirms the worst tables with
/// pgstattuple_approx when the extension is there, and raises or resolves the high_bloat alerts. With -Repository, the
/// catalog estimate of every registered server, run there through its pg_monitor login and stored in the repository.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgBloatSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgBloatSnapshotCommand : PgSnapshotCmdlet
{
    // The confirmation with pgstattuple and the alerts run on the target itself; a repository stores estimates only.

    /// <summary>Alert when a table is over this percentage (spec: 20).</summary>
    [Parameter(ParameterSetName = ConnectionSet)]
    [ValidateRange(0, 100)]
    public double ThresholdPercent { get; set; } = 20;

    /// <summary>...and wastes at least this many MB.</summary>
    [Parameter(ParameterSetName = ConnectionSet)]
    [ValidateRange(0, 1_000_000_000)]
    public double MinWastedMB { get; set; } = 1;

    /// <summary>Confirm estimates at or over this percentage with pgstattuple_approx.</summary>
    [Parameter(ParameterSetName = ConnectionSet)]
    [ValidateRange(0, 100)]
    public double ConfirmAbovePercent { get; set; } = 20;

    /// <summary>Seconds allowed for the confirmations.</summary>
    [Parameter(ParameterSetName = ConnectionSet)]
    [ValidateRange(0, 86_400)]
    public int TimeBudgetSeconds { get; set; } = 60;

    /// <summary>
    /// Estimates only, no pgstattuple_approx. Named like PowerShell's -SkipCertificateCheck and PSResourceGet's
    /// -SkipDependencyCheck; it was -NoConfirm, too easily read as -Confirm:$false, and still binds under that name.
    /// </summary>
    [Parameter(ParameterSetName = ConnectionSet)]
    [Alias("NoConfirm")]
    public SwitchParameter SkipPgstattupleCheck { get; set; }

    protected override string Action =>
        "SELECT pgperf.capture_table_bloat_snapshot()" +
        (SkipPgstattupleCheck ? "" : $", confirm estimates at or over {ConfirmAbovePercent} % with pgstattuple_approx") +
        ", SELECT pgperf.check_table_bloat_alerts()";

    protected override string Counted => "tables' bloat";

    protected override string SkippedNote(string skipped) => $"Kept the estimate of {skipped}.";

    protected override PgSnapshotResult Capture(PgConnectionInfo target) =>
        Engine.Get<IBloatService>(target).CaptureSnapshot(new PgBloatSnapshotOptions
        {
            AlertThresholdPercent = ThresholdPercent,
            AlertMinWastedBytes = (long)(MinWastedMB * 1024 * 1024),
            ConfirmAbovePercent = ConfirmAbovePercent,
            TimeBudgetSeconds = TimeBudgetSeconds,
            SkipPgstattupleCheck = SkipPgstattupleCheck,
        }, CancellationToken);

    private protected override string RepositoryAction => "Run the catalog bloat estimate there and store it (pgperf.ingest_table_bloat_snapshot)";

    private protected override PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo monitored) =>
        registry.CaptureTableBloat(server, Engine.Get<IMonitoredServerService>(monitored), CancellationToken);
}
