using PgPerf.Engine.Operations;

namespace PgPerf.Engine.Reports;

// Export-PgPerfReport -Repository (issue 17): one section per registered server, read from the repository through the
// same service calls as Get-PgTopStatement, Get-PgUnusedIndex and Get-PgTableBloatTrend with -Repository -Server, so
// each figure in a server's section is what those cmdlets give for that server.
internal sealed partial class ReportService
{
    public PgReportData CollectRepository(IReadOnlyList<PgMonitoredServer> servers, PgReportOptions options, Action<string, int>? progress,
        CancellationToken cancellationToken)
    {
        var data = NewReport(options);
        var sections = new List<PgReportServerSection>();
        foreach (var server in servers)
        {
            progress?.Invoke(server.Name, 100 * sections.Count / Math.Max(1, servers.Count));
            sections.Add(CollectServer(data, server, options, cancellationToken));
        }
        data.Servers = sections.ToArray();
        progress?.Invoke("Done", 100);
        return data;
    }

    private PgReportServerSection CollectServer(PgReportData data, PgMonitoredServer server, PgReportOptions options, CancellationToken cancellationToken)
    {
        var section = new PgReportServerSection { Name = server.Name, ServerId = server.ServerId };
        Section(data, $"{server.Name}: top statements", () => section.TopStatements = Service<IStatementService>().GetTop(new StatementTopOptions
        {
            Server = StatementServer.Of(server),
            Since = data.Start, Until = data.End, Top = options.TopRows,
        }, cancellationToken).ToArray());
        Section(data, $"{server.Name}: unused indexes", () => section.UnusedIndexes = SummaryService.WorthDropping(
            Service<IIndexService>().GetUnusedIndexes(new PgUnusedIndexOptions { Server = server }, cancellationToken), options.TopRows));
        Section(data, $"{server.Name}: table bloat", () => section.BloatHistory = Bloated(
            Service<IBloatService>().GetHistory(data.Start, server, cancellationToken), options.TopRows));
        return section;
    }

    // The history of the tables whose latest snapshot in the window is in Get-PgTableBloat's Monitor band or worse,
    // the most wasted bytes first (as the page's own bloat section chooses its tables).
    private static PgTableBloatPoint[] Bloated(IReadOnlyList<PgTableBloatPoint> history, int top)
    {
        var shown = history.GroupBy(p => (p.Schema, p.Table))
            .Select(g => g.MaxBy(p => p.CapturedAt)!)
            .Where(latest => latest.BloatPercent >= BloatFloorPercent)
            .OrderByDescending(latest => latest.BloatBytes).ThenBy(latest => latest.QualifiedName, StringComparer.Ordinal)
            .Take(top).Select(latest => (latest.Schema, latest.Table)).ToHashSet();
        return history.Where(p => shown.Contains((p.Schema, p.Table))).ToArray();
    }
}
