namespace PgPerf.Engine.Reports;

/// <summary>
/// Export-PgPerfMetric's metric families, from the same calls as Get-PgPerformanceSummary, Get-PgQueryStat and
/// Get-PgPerfAlert. Durations are in seconds and ratios in 0-1, as Prometheus' naming rules ask; every series carries
/// the server label. Windowed figures are gauges: they describe the last Hours hours, not a running count.
/// </summary>
internal static class ReportMetrics
{
    /// <summary>
    /// The figures of <paramref name="target"/>, or, with <paramref name="registered"/>, of that server registered in the
    /// repository <paramref name="target"/> is (read there only, as Get-PgPerformanceSummary -Repository -Server reads
    /// it), labelled with its registered name.
    /// </summary>
    public static IReadOnlyList<PgMetric> Collect(PgConnectionInfo target, PgMonitoredServer? registered, PgMetricOptions options,
        ISummaryService summaries, IQueryLogService queries, IAlertService alerts, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var server = ("server", registered?.Name ?? target.Server);
        var statementServer = registered is null ? null : StatementServer.Of(registered);
        var summary = summaries.Get(new PgSummaryOptions { Hours = options.Hours, ThresholdPercent = 0, MinWastedBytes = 1, Top = options.Top, Server = registered }, cancellationToken);
        var all = summary.QueryPerformance;
        var top = options.TopQueries == 0 ? Array.Empty<PgQueryStat>()
            : queries.GetQueryStats(new QueryStatOptions { Start = now.AddHours(-options.Hours), End = now, GroupBy = QueryStatGroupBy.Query, Server = statementServer }, cancellationToken)
                .Where(q => q.QueryHash is not null).Take(options.TopQueries).ToArray();
        var open = alerts.Get(new PgAlertFilter { OpenOnly = true, Server = statementServer }, cancellationToken);
        var window = $"in the last {options.Hours} hour(s)";

        var metrics = new List<PgMetric>
        {
            Gauge("pgperf_export_timestamp_seconds", "When PgPerf wrote these figures (Unix time).", Sample(now.ToUnixTimeMilliseconds() / 1000.0, server)),
            Gauge("pgperf_query_executions", $"Query executions logged {window}.", Sample(all?.TotalQueries ?? 0, server)),
            Gauge("pgperf_query_slow_executions", $"Executions at or over the slow threshold {window}.", Sample(all?.SlowQueries ?? 0, server)),
            Gauge("pgperf_query_error_executions", $"Executions logged as errors {window}.", Sample(all?.ErrorQueries ?? 0, server)),
            Gauge("pgperf_query_duration_seconds", $"Query duration percentiles {window} (within 1 % of exact; absent without queries).",
                Quantiles(all, server).ToArray()),
            Gauge("pgperf_query_duration_average_seconds", $"Average query duration {window}.",
                all?.AvgDurationMs is { } avg ? new[] { Sample(avg / 1000, server) } : Array.Empty<PgMetricSample>()),
            Gauge("pgperf_top_query_executions", $"Executions of the queries with the most total time {window}, by query hash.",
                top.Select(q => Sample(q.TotalQueries, server, ("query_hash", q.QueryHash!))).ToArray()),
            Gauge("pgperf_top_query_duration_seconds", $"Duration percentiles of those queries {window}, by query hash.",
                top.SelectMany(q => Quantiles(q, server, ("query_hash", q.QueryHash!))).ToArray()),
            Gauge("pgperf_table_bloat_ratio", "Estimated table bloat as a share of the table's size (0-1), tables wasting space.",
                summary.TableBloat.Select(t => Sample(t.BloatPercent / 100, server, ("schema", t.Schema), ("table", t.Table))).ToArray()),
            Gauge("pgperf_table_bloat_bytes", "Estimated bytes VACUUM FULL would give back, tables wasting space.",
                summary.TableBloat.Select(t => Sample(t.BloatBytes, server, ("schema", t.Schema), ("table", t.Table))).ToArray()),
            Gauge("pgperf_unused_index_bytes", "Size of indexes judged Unused or ConsiderDropping.",
                summary.UnusedIndexes.Select(i => Sample(i.SizeBytes, server, ("schema", i.Schema), ("table", i.Table), ("index", i.Index))).ToArray()),
            Gauge("pgperf_open_alerts", "Open PgPerf alerts by type and severity.",
                open.GroupBy(a => (a.Type, Severity: a.Severity.ToString())).OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Severity, StringComparer.Ordinal)
                    .Select(g => Sample(g.Count(), server, ("type", g.Key.Type), ("severity", g.Key.Severity))).ToArray()),
        };
        return metrics;
    }

    /// <summary>
    /// One list of families from the lists of several servers: each family once, with the samples of every server in
    /// turn (the exposition format rejects a family written twice), in the order the families first appear.
    /// </summary>
    public static IReadOnlyList<PgMetric> Merge(IEnumerable<IReadOnlyList<PgMetric>> perServer)
    {
        var families = new List<(PgMetric First, List<PgMetricSample> Samples)>();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var metric in perServer.SelectMany(metrics => metrics))
        {
            if (!byName.TryGetValue(metric.Name, out var i))
            {
                byName[metric.Name] = i = families.Count;
                families.Add((metric, new List<PgMetricSample>()));
            }
            families[i].Samples.AddRange(metric.Samples);
        }
        return families.Select(f => f.First with { Samples = f.Samples }).ToArray();
    }

    private static IEnumerable<PgMetricSample> Quantiles(PgQueryStat? stat, params (string, string)[] labels)
    {
        if (stat is null || stat.TotalQueries == 0)
            yield break;
        foreach (var (q, ms) in new[] { ("50", stat.P50DurationMs), ("95", stat.P95DurationMs), ("99", stat.P99DurationMs) })
            if (ms is { } value)
                yield return Sample(value / 1000, labels.Append(("percentile", q)).ToArray());
    }

    private static PgMetric Gauge(string name, string help, params PgMetricSample[] samples) => new(name, help, "gauge", samples);

    private static PgMetricSample Sample(double value, params (string, string)[] labels) => new(labels, value);
}
