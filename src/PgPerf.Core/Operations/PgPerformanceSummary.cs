using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PgPerf;

/// <summary>What Get-PgPerformanceSummary reports (spec: GET /api/performance?metric=...).</summary>
public enum PgSummaryMetric : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Summary,
    SlowQueries,
    Bloat,
}

public sealed record PgSummaryOptions
{
    public PgSummaryMetric Metric { get; init; } = PgSummaryMetric.Summary;

    /// <summary>Window of the query figures, ending now.</summary>
    public int Hours { get; init; } = 24;

    /// <summary>Tables at or over this bloat percentage are listed (the spec's example lists a 15.3 % table: Monitor and up).</summary>
    public double ThresholdPercent { get; init; } = 10;

    /// <summary>Tables wasting less than this are left out, so a 16 kB table at 80 % does not crowd the list.</summary>
    public long MinWastedBytes { get; init; } = 100 * 1024;

    /// <summary>At most this many rows in each list.</summary>
    public int Top { get; init; } = 20;

    /// <summary>List PgPerf's own tables (schema pgperf) too; they are left out by default.</summary>
    public bool IncludePgPerf { get; init; }

    /// <summary>
    /// A server registered in the repository the service is bound to: its summary from what the repository stored for it
    /// (Get-PgPerformanceSummary -Repository); null for the database's own.
    /// </summary>
    public PgMonitoredServer? Server { get; init; }
}

/// <summary>The performance dashboard in one object: query figures, bloated tables and unused indexes.</summary>
public sealed class PgPerformanceSummary : PgServerRecord
{
    public PgSummaryMetric Metric { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public int Hours { get; init; }
    public double ThresholdPercent { get; init; }

    /// <summary>Totals over the window (Summary and SlowQueries).</summary>
    public PgQueryStat? QueryPerformance { get; init; }

    /// <summary>Slowest executions in the window, slowest first (Summary and SlowQueries; the spec's JSON has them for slow_queries only).</summary>
    public PgList<PgSlowQuery> SlowQueries { get; init; } = PgList<PgSlowQuery>.None;

    /// <summary>Tables at or over the threshold, most wasted bytes first (Summary and Bloat).</summary>
    public PgList<PgTableBloat> TableBloat { get; init; } = PgList<PgTableBloat>.None;

    /// <summary>Unused and ConsiderDropping indexes, largest first (Summary only).</summary>
    public PgList<PgUnusedIndex> UnusedIndexes { get; init; } = PgList<PgUnusedIndex>.None;

    /// <summary>The server's most expensive statements in the window, from pg_stat_statements snapshots (Summary only; not in the spec's JSON).</summary>
    public PgList<PgStatementStat> TopStatements { get; init; } = PgList<PgStatementStat>.None;

    /// <summary>Statements slower in the last 24 h than in the 7 days before (Summary only; not in the spec's JSON).</summary>
    public PgList<PgStatementRegression> StatementRegressions { get; init; } = PgList<PgStatementRegression>.None;

    public long TotalQueries => QueryPerformance?.TotalQueries ?? 0;
    public long SlowQueryCount => QueryPerformance?.SlowQueries ?? 0;
    public double? AvgDurationMs => QueryPerformance?.AvgDurationMs;
    public double? P95DurationMs => QueryPerformance?.P95DurationMs;

    /// <summary>The spec's JSON shape (snake_case keys) for this metric.</summary>
    public string ToJson() => PgSummaryJson.Render(this);
}

/// <summary>
/// Writes the spec's response shapes exactly: summary = query_performance, table_bloat[], unused_indexes[],
/// generated_at; slow_queries adds the rows and the window; bloat has the list and the threshold. Numbers stay
/// numbers (0 when a window is empty) so consumers of the JSON never meet a null where the spec has a number.
/// </summary>
public static class PgSummaryJson
{
    public static string Render(PgPerformanceSummary summary)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (summary.Metric is PgSummaryMetric.Summary or PgSummaryMetric.SlowQueries)
                WriteQueryPerformance(w, summary.QueryPerformance);
            if (summary.Metric == PgSummaryMetric.SlowQueries)
            {
                w.WriteStartArray("slow_queries");
                foreach (var q in summary.SlowQueries)
                {
                    w.WriteStartObject();
                    w.WriteString("query_text", q.QueryText);
                    WriteStringOrNull(w, "query_hash", q.QueryHash);
                    w.WriteNumber("duration_ms", Round(q.DurationMs, 3));
                    WriteStringOrNull(w, "endpoint", q.Endpoint);
                    WriteStringOrNull(w, "user_id", q.UserId);
                    w.WriteString("logged_at", Timestamp(q.LoggedAt));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("hours", summary.Hours);
            }
            if (summary.Metric is PgSummaryMetric.Summary or PgSummaryMetric.Bloat)
            {
                w.WriteStartArray("table_bloat");
                foreach (var t in summary.TableBloat)
                {
                    w.WriteStartObject();
                    w.WriteString("tablename", t.Table);
                    w.WriteNumber("bloat_ratio", Round(t.BloatPercent, 1));
                    w.WriteNumber("bloat_bytes", t.BloatBytes);
                    w.WriteNumber("dead_tuples", t.DeadTuples);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (summary.Metric == PgSummaryMetric.Bloat)
                w.WriteNumber("threshold", summary.ThresholdPercent);
            if (summary.Metric == PgSummaryMetric.Summary)
            {
                w.WriteStartArray("unused_indexes");
                foreach (var i in summary.UnusedIndexes)
                {
                    w.WriteStartObject();
                    w.WriteString("indexname", i.Index);
                    w.WriteString("tablename", i.Table);
                    w.WriteString("index_size", PgSize.Pretty(i.SizeBytes));
                    w.WriteNumber("days_since_last_scan", (long)Math.Floor(i.DaysSinceLastScan));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("generated_at", Timestamp(summary.GeneratedAt));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteQueryPerformance(Utf8JsonWriter w, PgQueryStat? stat)
    {
        w.WriteStartObject("query_performance");
        w.WriteNumber("total_queries", stat?.TotalQueries ?? 0);
        w.WriteNumber("slow_queries", stat?.SlowQueries ?? 0);
        w.WriteNumber("avg_duration_ms", Round(stat?.AvgDurationMs ?? 0, 1));
        w.WriteNumber("p95_duration_ms", Round(stat?.P95DurationMs ?? 0, 1));
        w.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    // ISO-8601 in UTC with a Z, as in the spec's "2025-10-30T10:30:00Z".
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Human-readable sizes exactly as PostgreSQL's pg_size_pretty writes them ("2048 kB").</summary>
public static class PgSize
{
    public static string Pretty(long bytes)
    {
        // pg_size_pretty: switch unit once a value reaches 10 * 1024 of the current one, rounding halves away from zero.
        const long limit = 10 * 1024;
        const long limit2 = limit * 2 - 1;
        if (Math.Abs(bytes) < limit)
            return $"{bytes} bytes";
        var size = bytes >> 9; // one extra bit for rounding
        foreach (var unit in new[] { "kB", "MB", "GB", "TB", "PB" })
        {
            if (Math.Abs(size) < limit2 || unit == "PB")
                return $"{HalfRounded(size)} {unit}";
            size >>= 10;
        }
        throw new InvalidOperationException("unreachable");
    }

    private static long HalfRounded(long x) => (x + (x < 0 ? -1 : 1)) / 2;
}
