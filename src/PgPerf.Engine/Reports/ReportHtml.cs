using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PgPerf.Engine.Reports;

/// <summary>
/// Turns report data into one page. Tables are HTML written here, every value through HtmlEncode; charts are drawn
/// in the browser by the vendored uPlot from a JSON block whose encoder escapes &lt;, &gt;, &amp; and quotes, so
/// nothing from the database (query text, names, endpoints) can close a tag or a script.
/// </summary>
internal static partial class ReportHtml
{
    private const int ShortQueryChars = 120;

    private static readonly JsonSerializerOptions Json = new()
    {
        // The default encoder escapes HTML-sensitive characters (<, >, &, ', ") as \uXXXX: safe inside <script>.
        Encoder = JavaScriptEncoder.Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static string Render(PgReportData data)
    {
        var charts = new List<ChartSpec>();
        var body = new StringBuilder(64 * 1024);
        Header(body, data);
        if (data.Servers is not null)
            Servers(body, data.Servers, charts);
        else
        {
            Cards(body, data);
            Queries(body, data, charts);
            SlowQueries(body, data);
            Statements(body, data, charts);
            Indexes(body, data);
            Bloat(body, data, charts);
            Health(body, data);
            Alerts(body, data, charts);
        }
        Notes(body, data);

        var payload = JsonSerializer.Serialize(new { server = data.Server, charts }, Json);
        return ReportAssets.Fill(new Dictionary<string, string>
        {
            ["title"] = Encode($"PgPerf report: {data.Server}"),
            ["uplot-css"] = ReportAssets.UPlotCss,
            ["css"] = ReportAssets.Css,
            ["body"] = body.ToString(),
            ["data"] = payload,
            ["uplot-js"] = "/*\n" + ReportAssets.UPlotLicence + "*/\n" + ReportAssets.UPlotJs,
            ["js"] = ReportAssets.Js,
        });
    }

    private static void Header(StringBuilder b, PgReportData d)
    {
        b.Append("<header><h1>PgPerf report</h1><p class=\"meta\"><span class=\"server\">").Append(Encode(d.Server)).Append("</span> &middot; ")
         .Append(Encode(Time(d.Start))).Append(" to ").Append(Encode(Time(d.End))).Append(" (").Append(d.Hours).Append(" hours) &middot; generated ")
         .Append(Encode(Time(d.GeneratedAt))).Append("</p></header>\n");
    }

    private static void Cards(StringBuilder b, PgReportData d)
    {
        var s = d.Summary;
        b.Append("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
        if (s is null)
        {
            b.Append("</div>");
            Empty(b, "The summary could not be read (see the notes at the end).");
            b.Append("</section>\n");
            return;
        }
        var q = s.QueryPerformance;
        Card(b, "Queries", Count(s.TotalQueries), $"in the last {d.Hours} h", null);
        Card(b, "Slow queries", Count(s.SlowQueryCount), $"at or over {Ms(q?.SlowThresholdMs ?? QueryThresholds.SlowQueryMs)}", s.SlowQueryCount > 0 ? "warning" : null);
        Card(b, "Average", s.AvgDurationMs is { } avg ? Ms(avg) : "no data", "per query", null);
        Card(b, "P95", s.P95DurationMs is { } p95 ? Ms(p95) : "no data", q is null ? "" : $"status {q.Status}", StatusClass(q?.Status));
        Card(b, "Bloated tables", Count(s.TableBloat.Length), $"at or over {s.ThresholdPercent:0.#} %", s.TableBloat.Length > 0 ? "warning" : null);
        Card(b, "Unused indexes", Count(s.UnusedIndexes.Length), PgSize.Pretty(s.UnusedIndexes.Sum(i => i.SizeBytes)), s.UnusedIndexes.Length > 0 ? "warning" : null);
        var checksCritical = d.HealthChecks.Count(c => c.Status == PgHealthStatus.Critical);
        var checksWarning = d.HealthChecks.Count(c => c.Status == PgHealthStatus.Warning);
        Card(b, "Health checks", d.HealthChecks.Length == 0 ? "not run" : PgHealthStatus.Worst(d.HealthChecks.Select(c => c.Status)),
            $"{checksCritical} critical, {checksWarning} warning of {d.HealthChecks.Length}", checksCritical > 0 ? "critical" : checksWarning > 0 ? "warning" : null);
        var critical = d.OpenAlerts.Count(a => a.Severity == PgAlertSeverity.Critical);
        Card(b, "Open alerts", Count(d.OpenAlerts.Length), $"{critical} critical", critical > 0 ? "critical" : d.OpenAlerts.Length > 0 ? "warning" : null);
        b.Append("</div></section>\n");
    }

    private static void Card(StringBuilder b, string label, string value, string detail, string? css)
    {
        b.Append("<div class=\"card").Append(css is null ? "" : " " + css).Append("\"><div class=\"label\">").Append(Encode(label))
         .Append("</div><div class=\"value\">").Append(Encode(value)).Append("</div><div class=\"detail\">").Append(Encode(detail)).Append("</div></div>");
    }

    private static void Queries(StringBuilder b, PgReportData d, List<ChartSpec> charts)
    {
        b.Append("<section id=\"queries\"><h2>Query latency per hour</h2>");
        var x = d.HourStarts.Select(Unix).ToArray();
        if (d.OverallByHour.All(h => h is null))
        {
            Empty(b, "No query timings logged in this window yet. Log them with Send-PgQueryLog or Measure-PgQuery.");
            b.Append("</section>\n");
            return;
        }
        Chart(b, charts, "all-latency", "All queries (ms)", "line", x,
            ("P50", d.OverallByHour.Select(h => h?.P50DurationMs).ToArray()),
            ("P95", d.OverallByHour.Select(h => h?.P95DurationMs).ToArray()),
            ("Average", d.OverallByHour.Select(h => h?.AvgDurationMs).ToArray()));
        Chart(b, charts, "slow-per-hour", "Slow queries per hour", "bars", x,
            ("Slow queries", d.OverallByHour.Select(h => (double?)(h?.SlowQueries ?? 0)).ToArray()));

        b.Append("<h3>Top queries by total time</h3>");
        for (var i = 0; i < d.TopQueries.Length; i++)
        {
            var q = d.TopQueries[i];
            var w = q.Window;
            b.Append("<div class=\"query\"><p class=\"sql\" title=\"").Append(Encode(q.QueryText ?? "")).Append("\">").Append(Encode(Shorten(q.QueryText))).Append("</p>")
             .Append("<p class=\"meta\">hash ").Append(Encode(q.QueryHash ?? "(none)")).Append(" &middot; ").Append(Count(w.TotalQueries)).Append(" runs &middot; P95 ")
             .Append(Encode(w.P95DurationMs is { } p ? Ms(p) : "-")).Append(" &middot; total ").Append(Encode(Ms(w.TotalDurationMs))).Append("</p>");
            Chart(b, charts, $"query-{i + 1}", $"Query {i + 1} (ms)", "line", x,
                ("P50", q.ByHour.Select(h => h?.P50DurationMs).ToArray()),
                ("P95", q.ByHour.Select(h => h?.P95DurationMs).ToArray()),
                ("Average", q.ByHour.Select(h => h?.AvgDurationMs).ToArray()));
            b.Append("</div>");
        }
        b.Append("</section>\n");
    }

    private static void SlowQueries(StringBuilder b, PgReportData d)
    {
        b.Append("<section id=\"slow\"><h2>Slowest queries</h2>");
        if (d.SlowQueries.Length == 0)
            Empty(b, $"No query at or over {Ms(QueryThresholds.SlowQueryMs)} in this window.");
        else
            Table(b, new[] { "LoggedAt", "DurationMs", "Endpoint", "QueryText" }, d.SlowQueries.Select(q => new[]
            {
                Time(q.LoggedAt), Ms(q.DurationMs), q.Endpoint ?? "", Shorten(q.QueryText),
            }), numeric: new[] { 1 });
        b.Append("</section>\n");
    }

    private static void StatementTable(StringBuilder b, IEnumerable<PgStatementStat> statements) =>
        Table(b, new[] { "QueryId", "Database", "User", "Calls", "TotalTimeMs", "MeanTimeMs", "SharedHitRatio", "ShareOfTotalTime", "Status", "Query" },
            statements.Select(s => new[]
            {
                s.QueryId.ToString(CultureInfo.InvariantCulture), s.Database, s.User, Count(s.Calls), Ms(s.TotalTimeMs), Ms(s.MeanTimeMs),
                s.SharedHitRatio is { } hit ? Percent(hit) : "-", Percent(s.ShareOfTotalTime), s.Status, Shorten(s.Query),
            }), numeric: new[] { 3, 4, 5, 6, 7 }, code: new[] { 9 });

    private static void Statements(StringBuilder b, PgReportData d, List<ChartSpec> charts)
    {
        b.Append("<section id=\"statements\"><h2>Top statements (pg_stat_statements)</h2>");
        if (d.TopStatements.Length == 0)
            Empty(b, "No statement snapshots in this window yet. Invoke-PgStatementSnapshot (a step of the hourly job) records pg_stat_statements once the extension is preloaded.");
        else
        {
            StatementTable(b, d.TopStatements);
            var x = d.HourStarts.Select(Unix).ToArray();
            for (var i = 0; i < d.StatementSeries.Length; i++)
            {
                var series = d.StatementSeries[i];
                b.Append("<div class=\"query\"><p class=\"sql\" title=\"").Append(Encode(series.Window.Query ?? "")).Append("\">")
                 .Append(Encode(Shorten(series.Window.Query))).Append("</p><p class=\"meta\">queryid ")
                 .Append(series.Window.QueryId.ToString(CultureInfo.InvariantCulture)).Append(" &middot; ").Append(Encode(series.Window.Database))
                 .Append(" &middot; ").Append(Count(series.Window.Calls)).Append(" calls &middot; mean ").Append(Encode(Ms(series.Window.MeanTimeMs))).Append("</p>");
                Chart(b, charts, $"statement-{i + 1}", $"Statement {i + 1}: mean time per hour (ms)", "line", x,
                    ("Mean", series.ByHour.Select(h => h?.MeanTimeMs).ToArray()));
                b.Append("</div>");
            }
        }
        b.Append("<h2>Statement regressions</h2>");
        if (d.StatementRegressions.Length == 0)
            Empty(b, $"No statement got slower: the last 24 hours against the 7 days before (at least {StatementCompareOptions.DefaultMinIncreasePercent:0} % slower, {StatementCompareOptions.DefaultMinCalls} calls in each).");
        else
            Table(b, new[] { "QueryId", "Database", "BaselineMeanMs", "CurrentMeanMs", "IncreasePercent", "CurrentCalls", "AddedTimeMs", "Query" },
                d.StatementRegressions.Select(r => new[]
                {
                    r.QueryId.ToString(CultureInfo.InvariantCulture), r.Database, Ms(r.BaselineMeanMs), Ms(r.CurrentMeanMs),
                    r.IncreasePercent.ToString("0", CultureInfo.InvariantCulture) + " %", Count(r.CurrentCalls), Ms(r.AddedTimeMs), Shorten(r.Query),
                }), numeric: new[] { 2, 3, 4, 5, 6 }, code: new[] { 7 });
        b.Append("</section>\n");
    }

    private static void Health(StringBuilder b, PgReportData d)
    {
        b.Append("<section id=\"health\"><h2>Health checks</h2>");
        if (d.HealthChecks.Length == 0)
            Empty(b, "No health check could run (see the notes at the end).");
        else
            Table(b, new[] { "Check", "Status", "Value", "Threshold", "Target", "Detail" }, d.HealthChecks.Select(c => new[]
            {
                c.Check, c.Status, c.Value is { } v ? (v.ToString("0.##", CultureInfo.InvariantCulture) + " " + c.Unit).Trim() : "-", c.Threshold, c.Target ?? "", c.Detail,
            }), numeric: new[] { 2 });
        b.Append("</section>\n");
    }

    private static void Indexes(StringBuilder b, PgReportData d)
    {
        b.Append("<section id=\"indexes\"><h2>Unused indexes</h2>");
        if (d.UnusedIndexes.Length == 0)
            Empty(b, "No index is judged Unused or ConsiderDropping. Verdicts need index snapshots (Invoke-PgIndexSnapshot, hourly) over enough days.");
        else
            Table(b, new[] { "Index", "Table", "Size", "DaysSinceLastScan", "Status", "Drop", "Rollback" }, d.UnusedIndexes.Select(i => new[]
            {
                i.Schema + "." + i.Index, i.Table, PgSize.Pretty(i.SizeBytes), i.DaysSinceLastScan.ToString("0.#", CultureInfo.InvariantCulture), i.Status,
                i.NotDroppable ?? i.DropSql, i.RollbackDdl,
            }), numeric: new[] { 2, 3 }, code: new[] { 5, 6 });
        b.Append("<h2>Duplicate indexes</h2>");
        if (d.DuplicateIndexes.Length == 0)
            Empty(b, "No index is covered by another one.");
        else
            Table(b, new[] { "Index", "CoveredBy", "Kind", "Size", "Drop", "Rollback" }, d.DuplicateIndexes.Select(i => new[]
            {
                i.Schema + "." + i.Index, i.CoveredBy, i.Status, PgSize.Pretty(i.SizeBytes), i.NotDroppable ?? i.DropSql, i.RollbackDdl,
            }), numeric: new[] { 3 }, code: new[] { 4, 5 });
        b.Append("</section>\n");
    }

    // One series per table on the snapshots' time axis; a table missing from a snapshot is a gap.
    private static void BloatChart(StringBuilder b, List<ChartSpec> charts, string id, IReadOnlyCollection<PgTableBloatPoint> history)
    {
        var times = history.Select(p => Unix(p.CapturedAt)).Distinct().Order().ToArray();
        var series = history.GroupBy(p => p.QualifiedName).Select(g =>
        {
            var at = g.GroupBy(p => Unix(p.CapturedAt)).ToDictionary(x => x.Key, x => x.Last().BloatPercent);
            return (g.Key, times.Select(t => at.TryGetValue(t, out var v) ? (double?)v : null).ToArray());
        }).ToArray();
        Chart(b, charts, id, "Table bloat per snapshot (%)", "line", times, series);
    }

    private static void Bloat(StringBuilder b, PgReportData d, List<ChartSpec> charts)
    {
        b.Append("<section id=\"bloat\"><h2>Table bloat</h2>");
        if (d.TableBloat.Length == 0)
            Empty(b, "No table is 10 % or more bloated.");
        else
        {
            Table(b, new[] { "Table", "BloatPercent", "Wasted", "Size", "Status", "Confidence" }, d.TableBloat.Select(t => new[]
            {
                t.QualifiedName, t.BloatPercent.ToString("0.0", CultureInfo.InvariantCulture), PgSize.Pretty(t.BloatBytes), PgSize.Pretty(t.TableBytes),
                t.Status.ToString(), t.Confidence.ToString(),
            }), numeric: new[] { 1, 2, 3 });
            if (d.BloatHistory.Length == 0)
                Empty(b, "No bloat snapshots of these tables in this window yet: Invoke-PgBloatSnapshot (the daily job) records them.");
            else
                BloatChart(b, charts, "bloat-history", d.BloatHistory);
        }
        b.Append("<h2>Index bloat</h2>");
        if (d.IndexBloat.Length == 0)
            Empty(b, "No B-tree index is estimated 10 % or more bloated.");
        else
            Table(b, new[] { "Index", "Table", "BloatPercent", "Wasted", "Size", "Status", "Confidence" }, d.IndexBloat.Select(i => new[]
            {
                PgIdentifier.Qualify(i.Schema, i.Index), i.Table, i.BloatPercent.ToString("0.0", CultureInfo.InvariantCulture), PgSize.Pretty(i.BloatBytes),
                PgSize.Pretty(i.IndexBytes), i.Status, i.Confidence.ToString(),
            }), numeric: new[] { 2, 3, 4 });
        b.Append("</section>\n");
    }

    private static void Alerts(StringBuilder b, PgReportData d, List<ChartSpec> charts)
    {
        b.Append("<section id=\"alerts\"><h2>Open alerts</h2>");
        if (d.OpenAlerts.Length == 0)
        {
            Empty(b, "No open alerts.");
            b.Append("</section>\n");
            return;
        }
        // One row per alert from first to last seen, on one time axis: each alert is a series holding its row
        // number at those two moments only, and the chart spans the gap between them.
        var ordered = d.OpenAlerts.OrderBy(a => a.FirstSeenAt).ThenBy(a => a.Id).ToArray();
        var times = ordered.SelectMany(a => new[] { Unix(a.FirstSeenAt), Unix(a.LastSeenAt) }).Distinct().Order().ToArray();
        var series = ordered.Select((a, row) => (
            Label: $"#{a.Id} {a.Severity} {a.Type}",
            Values: times.Select(t => t == Unix(a.FirstSeenAt) || t == Unix(a.LastSeenAt) ? (double?)(row + 1) : null).ToArray())).ToArray();
        Chart(b, charts, "alerts-timeline", "Open alerts, first to last seen", "timeline", times, series);
        Table(b, new[] { "Id", "Severity", "Type", "Subject", "Occurrences", "FirstSeenAt", "LastSeenAt" }, d.OpenAlerts.Select(a => new[]
        {
            a.Id.ToString(CultureInfo.InvariantCulture), a.Severity.ToString(), a.Type, Shorten(a.Subject), Count(a.Occurrences), Time(a.FirstSeenAt), Time(a.LastSeenAt),
        }), numeric: new[] { 0, 4 });
        b.Append("</section>\n");
    }

    private static void Notes(StringBuilder b, PgReportData d)
    {
        if (d.Notes.Count == 0)
            return;
        b.Append("<section id=\"notes\"><h2>Notes</h2><ul>");
        foreach (var note in d.Notes)
            b.Append("<li>").Append(Encode(note)).Append("</li>");
        b.Append("</ul></section>\n");
    }

    private static void Chart(StringBuilder b, List<ChartSpec> charts, string id, string title, string kind, long[] x,
        params (string Label, double?[] Values)[] series)
    {
        charts.Add(new ChartSpec(id, title, kind, x, series.Select(s => new SeriesSpec(s.Label, s.Values)).ToArray()));
        b.Append("<figure class=\"chart\" id=\"").Append(Encode(id)).Append("\" data-chart=\"").Append(Encode(id)).Append("\"><figcaption>")
         .Append(Encode(title)).Append("</figcaption></figure>");
    }

    private static void Table(StringBuilder b, string[] headers, IEnumerable<string[]> rows, int[]? numeric = null, int[]? code = null)
    {
        b.Append("<table><thead><tr>");
        foreach (var h in headers)
            b.Append("<th>").Append(Encode(h)).Append("</th>");
        b.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            b.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
            {
                var css = numeric?.Contains(i) == true ? " class=\"num\"" : code?.Contains(i) == true ? " class=\"code\"" : "";
                b.Append("<td").Append(css).Append('>').Append(Encode(row[i])).Append("</td>");
            }
            b.Append("</tr>");
        }
        b.Append("</tbody></table>");
    }

    private static void Empty(StringBuilder b, string text) => b.Append("<p class=\"empty\">").Append(Encode(text)).Append("</p>");

    // The five characters that can end text or an attribute value; everything else (ü, 🐘) stays as written, in UTF-8.
    private static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
            return text;
        var b = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            var entity = c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&#39;", _ => null };
            if (entity is null) b.Append(c);
            else b.Append(entity);
        }
        return b.ToString();
    }

    private static string Shorten(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= ShortQueryChars ? oneLine : oneLine[..(ShortQueryChars - 1)] + "\u2026";
    }

    private static string? StatusClass(QueryStatus? status) => status switch
    {
        QueryStatus.Critical => "critical",
        QueryStatus.Warning => "warning",
        _ => null,
    };

    // Ratios (0..1) as a percentage.
    private static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string Ms(double ms) => ms.ToString(ms >= 100 ? "N0" : "0.0#", CultureInfo.InvariantCulture) + " ms";
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    private static long Unix(DateTimeOffset t) => t.ToUnixTimeSeconds();

    private sealed record ChartSpec(string Id, string Title, string Kind, long[] X, SeriesSpec[] Series);

    private sealed record SeriesSpec(string Label, double?[] Values);
}
