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

    // Spec: index usage snapshot, bloat snapshot, query-performance check (added with those areas).
    private static readonly JobStepDefinition[] Hourly =
    {
    };

    // Spec: unused-index detection, high-bloat identification (added with those areas), retention.
    private static readonly JobStepDefinition[] Daily =
    {
        new("retention", s =>
        {
            var result = s.Service<IRetentionService>().Run(s.Options.Retention, s.Cancellation);
            foreach (var warning in result.Warnings) s.Warn(warning);
            var deleted = result.Tables.Where(t => t.RowsDeleted > 0).Select(t => $"{t.Table} {t.RowsDeleted}").ToList();
            s.Message = deleted.Count == 0 ? "nothing was old enough to delete" : "deleted: " + string.Join(", ", deleted);
            return result.TotalRowsDeleted;
        }),
    };
}

internal sealed class JobService : IJobService
{
    private readonly PgServerContext _context;

    public JobService(PgServerContext context) => _context = context;

    public PgJobResult Run(PgJobKind job, PgJobOptions options, CancellationToken cancellationToken) =>
        new JobRunner(_context).Run(job, JobSteps.For(job), options, cancellationToken);
}
