using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Drops an index with DROP INDEX CONCURRENTLY under a lock_timeout, after recording the DDL that recreates
/// it in pgperf.index_drop_log. Refuses indexes that back a constraint.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PgIndex", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PgIndexDropResult))]
public sealed class RemovePgIndexCommand : PgIndexSchemaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("IndexName")]
    [ArgumentCompleter(typeof(PgIndexNameCompleter))]
    public string[] Index { get; set; } = Array.Empty<string>();

    /// <summary>How long the DROP may wait for a lock before it gives up (seconds).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int LockTimeoutSeconds { get; set; } = PgIndexDropPlan.DefaultLockTimeoutSeconds;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IIndexService>(target);

        foreach (var name in Index)
        {
            TryInvoke(() =>
            {
                var plan = service.PlanDrop(Schema, name, LockTimeoutSeconds, CancellationToken);
                var what = $"index {plan.Schema}.{plan.Index} on table {plan.Table} ({plan.SizeBytes / 1048576.0:0.#} MB) in {plan.Server}";
                if (!ShouldProcess(what, plan.Sql))
                    return;
                var result = service.Drop(plan, CancellationToken);
                WriteVerbose($"Dropped {plan.Schema}.{plan.Index}; to recreate it: {result.RollbackDdl}");
                WriteObject(result);
            });
        }
    }
}
