namespace PgPerf.Engine.Operations;

/// <summary>
/// Builds the dashboard from the area services, so the summary always agrees with Get-PgQueryStat,
/// Get-PgTableBloat and Get-PgUnusedIndex. Bloat is the live catalog estimate, so the summary works
/// before the first snapshot has been taken. For a server registered in a repository (options.Server) every part is
/// what the repository stored for that server, as those cmdlets give it with -Repository -Server: bloat from its latest
/// snapshot, its unused indexes, statements and the query log the application sent there for it.
/// </summary>
internal sealed class SummaryService : ISummaryService
{
    private readonly PgServerContext _context;

    public SummaryService(PgServerContext context) => _context = context;

    public PgPerformanceSummary Get(PgSummaryOptions options, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        PgQueryStat? queries = null;
        var slow = Array.Empty<PgSlowQuery>();
        var bloat = Array.Empty<PgTableBloat>();
        var unused = Array.Empty<PgUnusedIndex>();

        var server = options.Server;
        // A registered server's part of the repository's query log (Send-PgQueryLog -Repository -Server, migration 036).
        var queryLogServer = server is null ? null : StatementServer.Of(server);
        if (options.Metric is PgSummaryMetric.Summary or PgSummaryMetric.SlowQueries)
        {
            var service = Service<IQueryLogService>();
            queries = service.GetQueryStats(new QueryStatOptions { Start = now.AddHours(-options.Hours), End = now, Server = queryLogServer }, cancellationToken).FirstOrDefault();
            // The default view shows the slowest queries too (SlowestQueries), so Summary fills them as well.
            slow = service.GetSlowQueries(new SlowQueryOptions { Hours = options.Hours, Top = options.Top, Server = queryLogServer }, cancellationToken).ToArray();
        }

        if (options.Metric is PgSummaryMetric.Summary or PgSummaryMetric.Bloat)
        {
            // Partitioned parents are the sum of their partitions: listing both would count the waste twice.
            var tables = server is null ? Service<IBloatService>().Estimate(cancellationToken) : Service<IBloatService>().GetLatestStored(server, cancellationToken);
            bloat = tables
                .Where(t => t.Kind != "PartitionedTable" && t.BloatPercent >= options.ThresholdPercent && t.BloatBytes >= Math.Max(options.MinWastedBytes, 1)
                            && (options.IncludePgPerf || !PgPerfOwnObjects.IsOwnSchema(t.Schema)))
                .OrderByDescending(t => t.BloatBytes).ThenBy(t => t.QualifiedName, StringComparer.Ordinal)
                .Take(options.Top).ToArray();
        }

        if (options.Metric == PgSummaryMetric.Summary)
        {
            unused = WorthDropping(Service<IIndexService>().GetUnusedIndexes(new PgUnusedIndexOptions { Server = server }, cancellationToken), options.Top);
        }

        var (topStatements, regressions) = options.Metric == PgSummaryMetric.Summary
            ? PgPerf.Engine.Statements.StatementSummary.For(Service<IStatementService>(), options, server is null ? null : StatementServer.Of(server), now, cancellationToken)
            : (Array.Empty<PgStatementStat>(), Array.Empty<PgStatementRegression>());

        var summary = new PgPerformanceSummary
        {
            TopStatements = topStatements,
            StatementRegressions = regressions,
            Metric = options.Metric,
            GeneratedAt = now,
            Hours = options.Hours,
            ThresholdPercent = options.ThresholdPercent,
            QueryPerformance = queries,
            SlowQueries = slow,
            TableBloat = bloat,
            UnusedIndexes = unused,
        };
        if (server is null) summary.From(_context.Info);
        else summary.From(server);
        return summary;
    }

    private T Service<T>() where T : class => (T)PgPerfEngine.CreateService(typeof(T), _context);

    /// <summary>The unused indexes the summary (and a report) lists: Unused and ConsiderDropping, largest first.</summary>
    internal static PgUnusedIndex[] WorthDropping(IEnumerable<PgUnusedIndex> indexes, int top) =>
        indexes.Where(i => i.Status is PgIndexStatus.Unused or PgIndexStatus.ConsiderDropping)
            .OrderByDescending(i => i.SizeBytes).ThenBy(i => i.Index, StringComparer.Ordinal)
            .Take(top).ToArray();
}
