using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>The spec's daily job: unused-index and high-bloat detection, and retention, under a per-job lock.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgDailyMaintenance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgJobResult))]
public sealed partial class InvokePgDailyMaintenanceCommand : PgJobCmdlet
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

    private PgRetentionOptions Retention => new() { QueryLogDays = QueryLogDays, SnapshotDays = SnapshotDays, AlertDays = AlertDays };

    protected override PgJobOptions Options => new() { Retention = Retention, RegisteredServers = Repository is not null };

    // The retention step deletes rows: -WhatIf counts them per table, the same lines as Invoke-PgPerfRetention -WhatIf.
    protected override void DescribeWhatIf(PgConnectionInfo target)
    {
        IReadOnlyList<PgRetentionTable> plan;
        try
        {
            plan = InstalledService<IRetentionService>(target).Plan(Retention, CancellationToken);
        }
        catch (PgPerfException ex)
        {
            WriteWarning($"Cannot count the rows the retention step would delete on {target.Server}: {ex.Message}");
            return;
        }
        foreach (var table in plan)
            ShouldProcess(InvokePgPerfRetentionCommand.TargetOf(table, target), InvokePgPerfRetentionCommand.WhatItDeletes(table, Retention.BatchSize));
    }
}
