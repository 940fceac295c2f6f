using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Deletes old query logs, snapshots and resolved alerts in short batches; warns when VACUUM is due.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgPerfRetention", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgRetentionResult))]
public sealed class InvokePgPerfRetentionCommand : PgPerfCmdlet
{
    private const int ProgressId = 6106;

    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int QueryLogDays { get; set; } = 30;

    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int SnapshotDays { get; set; } = 90;

    /// <summary>Resolved alerts only; open alerts are always kept.</summary>
    [Parameter]
    [ValidateRange(1, PgRetentionOptions.MaxDays)]
    public int AlertDays { get; set; } = 180;

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 5000;

    private PgRetentionOptions Options => new() { QueryLogDays = QueryLogDays, SnapshotDays = SnapshotDays, AlertDays = AlertDays, BatchSize = BatchSize };

    protected override void ProcessRecord()
    {
        try
        {
            Options.Validate();
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }
        base.ProcessRecord();
    }

    /// <summary>The -WhatIf/-Confirm text of one table (also Invoke-PgDailyMaintenance -WhatIf's).</summary>
    internal static string WhatItDeletes(PgRetentionTable table, int batchSize) =>
        $"Delete {table.RowsToDelete:N0} row(s) {(table.Table.EndsWith("alerts", StringComparison.Ordinal) ? "resolved" : "logged")} before {table.Cutoff:u} " +
        $"({table.KeepDays} days kept) in batches of {batchSize:N0}";

    internal static string TargetOf(PgRetentionTable table, PgConnectionInfo target) => $"{table.Table} on {target.Server}";

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var retention = InstalledService<IRetentionService>(target);
        var plan = retention.Plan(Options, CancellationToken);

        var started = DateTimeOffset.UtcNow;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var done = new List<PgRetentionTable>();
        var approvedAny = false;
        for (var i = 0; i < plan.Count; i++)
        {
            var table = plan[i];
            if (!ShouldProcess(TargetOf(table, target), WhatItDeletes(table, BatchSize)))
                continue;
            approvedAny = true;
            if (table.RowsToDelete == 0)
            {
                done.Add(table);
                continue;
            }
            WriteProgress(new ProgressRecord(ProgressId, "Invoke-PgPerfRetention", $"{table.Table}: deleting {table.RowsToDelete:N0} rows")
            { PercentComplete = 100 * i / plan.Count });
            TryInvoke(() => done.Add(retention.Purge(table, BatchSize, CancellationToken)));
        }
        WriteProgress(new ProgressRecord(ProgressId, "Invoke-PgPerfRetention", "Done") { RecordType = ProgressRecordType.Completed });
        if (!approvedAny)
            return;

        var result = new PgRetentionResult { StartedAt = started, DurationMs = sw.Elapsed.TotalMilliseconds, Tables = done.ToArray() };
        result.From(target);
        result.Warnings = done.Select(t => t.VacuumAdvice).OfType<string>().ToArray();
        foreach (var warning in result.Warnings)
            WriteWarning(warning);
        WriteObject(result);
    }
}
