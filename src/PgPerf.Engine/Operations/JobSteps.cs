namespace PgPerf.Engine.Operations;

/// <summary>
/// The steps of each job, in the order they run. To add an area's work to a job, add one line here: a step
/// name and a call to the area's service (s.Service&lt;IAreaService&gt;()) that returns a count. The runner
/// times it, runs it even when an earlier step failed, records its error and raises a job_failure alert.
/// </summary>
internal static class JobSteps
{
    public static IReadOnlyList<JobStepDefinition> For(PgJobKind job) => job switch
    {
        PgJobKind.Hourly => Hourly,
        PgJobKind.Daily => Daily,
        _ => throw new ArgumentOutOfRangeException(nameof(job)),
    };

    /// <summary>The steps of a run: a central repository's daily job also judges each registered server's indexes.</summary>
    public static IReadOnlyList<JobStepDefinition> For(PgJobKind job, PgJobOptions options) =>
        job == PgJobKind.Daily && options.RegisteredServers
            ? Daily.Take(1).Append(RegisteredServerUnusedIndexes).Concat(Daily.Skip(1)).ToArray()
            : For(job);

    // After the repository's own "unused indexes": the same judgement for each registered server from its stored history.
    private static readonly JobStepDefinition RegisteredServerUnusedIndexes =
        new(PgPerf.Engine.Repository.RepositoryAlerts.UnusedIndexStepName, PgPerf.Engine.Repository.RepositoryAlerts.UnusedIndexes);

    // Spec: index usage snapshot, bloat snapshot, query-performance check.
    private static readonly JobStepDefinition[] Hourly =
    {
        new(PgPerf.Engine.Index.IndexService.SnapshotStepName, s => s.Service<IIndexService>().CaptureSnapshot(s.Cancellation).Count),
        // Hourly bloat is the catalog estimate only; the daily step confirms the worst tables with pgstattuple.
        new(PgPerf.Engine.Bloat.BloatService.SnapshotStepName, s => Snapshot(s, s.Service<IBloatService>().CaptureSnapshot(new PgBloatSnapshotOptions { SkipPgstattupleCheck = true }, s.Cancellation))),
        // Daily partitions of the query log for today and the week ahead (and days whose rows sit in the default partition).
        new("query partitions", s => new PgPerf.Engine.Query.QueryPartitions(s.Server).CreateAhead(s.Cancellation)),
        // Rebuilds the hourly/daily rollups of the hours whose rows changed; Get-PgQueryStat reads them.
        new("query rollups", s => new PgPerf.Engine.Query.QueryRollups(s.Server).Refresh(s.Cancellation)),
        new(QueryPerformanceCheck.StepName, QueryPerformanceCheck.Run),
        // pg_stat_statements: Skipped (with how to enable it) where the extension is not available.
        new(PgPerf.Engine.Statements.StatementJobSteps.SnapshotStepName, PgPerf.Engine.Statements.StatementJobSteps.Snapshot),
        new(PgPerf.Engine.Statements.StatementJobSteps.RegressionsStepName, PgPerf.Engine.Statements.StatementJobSteps.Regressions),
        // Blocking, long transactions, wraparound and sequences (PgHealthChecks entries with an AlertType).
        new(PgPerf.Engine.Health.HealthAlertStep.StepName, PgPerf.Engine.Health.HealthAlertStep.Run),
    };

    // Spec: unused-index detection, high-bloat identification, retention.
    private static readonly JobStepDefinition[] Daily =
    {
        new("unused indexes", s =>
        {
            var check = s.Service<IIndexService>().CheckUnusedIndexAlerts(new PgUnusedIndexOptions(), s.Cancellation);
            s.Message = $"{check.OpenKeys.Length} index(es) to consider dropping; {check.Resolved} alert(s) resolved";
            return check.OpenKeys.Length;
        }),
        new(PgPerf.Engine.Bloat.BloatService.AlertStepName, s => Snapshot(s, s.Service<IBloatService>().CaptureSnapshot(new PgBloatSnapshotOptions(), s.Cancellation))),
        new("retention", s =>
        {
            var result = s.Service<IRetentionService>().Run(s.Options.Retention, s.Cancellation);
            foreach (var warning in result.Warnings) s.Warn(warning);
            var deleted = result.Tables.Where(t => t.RowsDeleted > 0).Select(t => $"{t.Table} {t.RowsDeleted}").ToList();
            s.Message = deleted.Count == 0 ? "nothing was old enough to delete" : "deleted: " + string.Join(", ", deleted);
            return result.TotalRowsDeleted;
        }),
    };

    private static long Snapshot(JobStepContext step, PgSnapshotResult result)
    {
        if (result.Skipped.Length > 0)
            step.Message = "skipped: " + string.Join("; ", result.Skipped);
        return result.Count;
    }
}

internal sealed class JobService : IJobService
{
    private readonly PgServerContext _context;

    public JobService(PgServerContext context) => _context = context;

    public IReadOnlyList<string> StepNames(PgJobKind job) => JobSteps.For(job).Select(step => step.Name).ToArray();

    public PgJobResult Run(PgJobKind job, PgJobOptions options, CancellationToken cancellationToken) =>
        new JobRunner(_context).Run(job, JobSteps.For(job, options), options, cancellationToken);
}
