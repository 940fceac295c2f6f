using System.Globalization;
using System.Text;

namespace PgPerf.Engine.Reports;

// A repository report (Export-PgPerfReport -Repository): one section per registered server, each with the tables and
// the chart of a database's own report that the repository holds the history of (statements, unused indexes, bloat).
internal static partial class ReportHtml
{
    private static void Servers(StringBuilder b, PgReportServerSection[] servers, List<ChartSpec> charts)
    {
        b.Append("<section id=\"servers\"><h2>Registered servers</h2>");
        if (servers.Length == 0)
            Empty(b, "No server is registered in this repository (or none matches -Server). Add-PgPerfServer registers one.");
        else
            b.Append("<ul class=\"servers\">").AppendJoin("", servers.Select((s, i) => $"<li><a href=\"#server-{i + 1}\">{Encode(s.Name)}</a></li>")).Append("</ul>");
        b.Append("</section>\n");
        for (var i = 0; i < servers.Length; i++)
            Server(b, servers[i], $"server-{i + 1}", charts);
    }

    private static void Server(StringBuilder b, PgReportServerSection s, string id, List<ChartSpec> charts)
    {
        b.Append("<section class=\"server\" id=\"").Append(id).Append("\" data-server=\"").Append(Encode(s.Name)).Append("\"><h2>Server ")
         .Append(Encode(s.Name)).Append("</h2><h3>Top statements</h3>");
        if (s.TopStatements.Length == 0)
            Empty(b, "No statement snapshots of this server in this window (Invoke-PgStatementSnapshot -Repository, a step of the hourly job).");
        else
            StatementTable(b, s.TopStatements);
        b.Append("<h3>Unused indexes</h3>");
        if (s.UnusedIndexes.Length == 0)
            Empty(b, "No index of this server is judged Unused or ConsiderDropping from the index snapshots stored here.");
        else
            Table(b, new[] { "Index", "Table", "Size", "DaysSinceLastScan", "ScansInWindow", "Status" }, s.UnusedIndexes.Select(i => new[]
            {
                i.Schema + "." + i.Index, i.Table, PgSize.Pretty(i.SizeBytes), i.DaysSinceLastScan.ToString("0.#", CultureInfo.InvariantCulture),
                Count(i.ScansInWindow), i.Status,
            }), numeric: new[] { 2, 3, 4 });
        b.Append("<h3>Table bloat</h3>");
        if (s.BloatHistory.Length == 0)
            Empty(b, "No table of this server was 10 % or more bloated at its latest bloat snapshot in this window.");
        else
            BloatChart(b, charts, id + "-bloat", s.BloatHistory);
        b.Append("</section>\n");
    }
}
