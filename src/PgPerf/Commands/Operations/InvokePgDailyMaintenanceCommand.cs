using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>The spec's daily job: unused-index and high-bloat detection, and retention, under a per-job lock.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgDailyMaintenance")]
[OutputType(typeof(PgJobResult))]
public sealed class InvokePgDailyMaintenanceCommand : PgJobCmdlet
{
    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int QueryLogDays { get; set; } = 30;

    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int SnapshotDays { get; set; } = 90;

    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int AlertDays { get; set; } = 180;

    protected override PgJobKind Job => PgJobKind.Daily;

    protected override PgJobOptions Options => new()
    {
        Retention = new PgRetentionOptions { QueryLogDays = QueryLogDays, SnapshotDays = SnapshotDays, AlertDays = AlertDays },
    };
}
