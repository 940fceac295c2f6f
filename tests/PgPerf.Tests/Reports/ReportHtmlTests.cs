using System.Text.Json;
using System.Text.RegularExpressions;
using PgPerf.Engine.Reports;
using Xunit;

namespace PgPerf.Tests.Reports;

public sealed class ReportHtmlTests
{
    private const string Breakout = "</script><script>alert('x')</script><img src=x onerror=alert(1)> & \"q\" 'a' {{data}} {{js}} ünïcødé 🐘";

    private static PgReportData Hostile()
    {
        var start = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var stat = new PgQueryStat { Start = start, End = start.AddHours(1), QueryHash = Breakout, QueryText = Breakout, TotalQueries = 3, P50DurationMs = 1.5, P95DurationMs = 2.5, AvgDurationMs = 2, TotalDurationMs = 6 };
        var data = new PgReportData { GeneratedAt = start.AddHours(2), Start = start, End = start.AddHours(2), Hours = 2 };
        data.Server = Breakout;
        data.HourStarts = new[] { start, start.AddHours(1) };
        data.OverallByHour = new PgQueryStat?[] { stat, null };
        data.TopQueries = new[] { new PgReportQuerySeries { QueryHash = Breakout, QueryText = Breakout, Window = stat, ByHour = new PgQueryStat?[] { stat, null } } };
        data.SlowQueries = new[] { new PgSlowQuery { LoggedAt = start, QueryText = Breakout, DurationMs = 900, Endpoint = Breakout } };
        data.UnusedIndexes = new[] { new PgReportIndexDrop { Schema = Breakout, Table = Breakout, Index = Breakout, Status = "Unused", DropSql = Breakout, RollbackDdl = Breakout } };
        data.OpenAlerts = new[] { new PgPerfAlert { Id = 7, Type = Breakout, Subject = Breakout, FirstSeenAt = start, LastSeenAt = start.AddMinutes(30) } };
        data.Notes.Add(Breakout);
        return data;
    }

    [Fact]
    public void Text_from_the_database_never_becomes_markup_or_script()
    {
        var html = ReportHtml.Render(Hostile());
        // The page's own three scripts (data, uPlot, report) and nothing else.
        Assert.Equal(3, Regex.Matches(html, "<script", RegexOptions.IgnoreCase).Count);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert('x')</script>", html);
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        Assert.Contains("ünïcødé", html);
        // Slots are filled in one pass over the template: text that looks like a slot stays as it was written.
        Assert.Contains("{{data}} {{js}}", html);
    }

    [Fact]
    public void The_chart_data_round_trips_through_its_escaped_JSON_block()
    {
        var html = ReportHtml.Render(Hostile());
        var block = Regex.Match(html, "<script type=\"application/json\" id=\"pgperf-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        Assert.DoesNotContain("<", block);
        Assert.DoesNotContain(">", block);
        using var json = JsonDocument.Parse(block);
        Assert.Equal(Breakout, json.RootElement.GetProperty("server").GetString());
        var charts = json.RootElement.GetProperty("charts").EnumerateArray().ToList();
        Assert.Equal(new[] { "all-latency", "slow-per-hour", "query-1", "alerts-timeline" }, charts.Select(c => c.GetProperty("id").GetString()));
        var p95 = charts[0].GetProperty("series")[1];
        Assert.Equal("P95", p95.GetProperty("label").GetString());
        Assert.Equal(2.5, p95.GetProperty("values")[0].GetDouble());
        Assert.Equal(JsonValueKind.Null, p95.GetProperty("values")[1].ValueKind);
    }

    [Fact]
    public void An_empty_report_says_no_data_yet_and_draws_no_chart()
    {
        var start = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var html = ReportHtml.Render(new PgReportData { Start = start, End = start.AddHours(1), Hours = 1, HourStarts = new[] { start }, OverallByHour = new PgQueryStat?[1] });
        Assert.Contains("No query timings logged in this window yet", html);
        Assert.DoesNotContain("<figure", html);
        Assert.Contains("\"charts\":[]", html);
    }

    [Fact]
    public void The_page_inlines_the_pinned_uPlot_with_its_licence()
    {
        Assert.StartsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */", ReportAssets.UPlotJs);
        var html = ReportHtml.Render(Hostile());
        Assert.Contains("Copyright (c) 2022 Leon Sorokin", html);
        Assert.Contains(ReportAssets.UPlotJs, html);
    }
}
