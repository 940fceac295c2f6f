using Npgsql;
using Xunit;

namespace PgPerf.Tests.Operations;

public class SummaryJsonTests
{
    [Fact]
    public void Sizes_read_exactly_like_pg_size_pretty()
    {
        var values = new long[] { 0, 1, 10239, 10240, 10752, 2097152, 10485759, 10485760, 123456789, 5368709120, 10995116277760, 1125899906842624, -20000 };
        using var connection = new NpgsqlConnection(TestDatabase.AdminConnectionString);
        connection.Open();
        foreach (var value in values)
        {
            using var command = new NpgsqlCommand("SELECT pg_size_pretty(@v::bigint)", connection);
            command.Parameters.AddWithValue("v", value);
            Assert.Equal((string)command.ExecuteScalar()!, PgSize.Pretty(value));
        }
    }

    [Fact]
    public void Each_metric_writes_only_its_own_keys()
    {
        string Keys(PgSummaryMetric metric)
        {
            var json = new PgPerformanceSummary { Metric = metric, Hours = 12, ThresholdPercent = 30, GeneratedAt = DateTimeOffset.UnixEpoch }.ToJson();
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return string.Join(",", doc.RootElement.EnumerateObject().Select(p => p.Name));
        }

        Assert.Equal("query_performance,table_bloat,unused_indexes,generated_at", Keys(PgSummaryMetric.Summary));
        Assert.Equal("query_performance,slow_queries,hours,generated_at", Keys(PgSummaryMetric.SlowQueries));
        Assert.Equal("table_bloat,threshold,generated_at", Keys(PgSummaryMetric.Bloat));
    }

    [Fact]
    public void Writes_the_spec_field_names_and_utc_time()
    {
        var summary = new PgPerformanceSummary
        {
            GeneratedAt = new DateTimeOffset(2025, 10, 30, 12, 30, 0, TimeSpan.FromHours(2)),
            QueryPerformance = new PgQueryStat { TotalQueries = 1542, SlowQueries = 23, AvgDurationMs = 45.24, P95DurationMs = 235.76 },
            TableBloat = new[] { new PgTableBloat { Table = "conversations", BloatPercent = 15.34, BloatBytes = 524288, DeadTuples = 1250 } },
            UnusedIndexes = new[] { new PgUnusedIndex { Index = "idx_old_field", Table = "conversations", SizeBytes = 2097152, DaysSinceLastScan = 45.7 } },
        };
        using var doc = System.Text.Json.JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;
        Assert.Equal(45.2, root.GetProperty("query_performance").GetProperty("avg_duration_ms").GetDouble());
        Assert.Equal(235.8, root.GetProperty("query_performance").GetProperty("p95_duration_ms").GetDouble());
        Assert.Equal(15.3, root.GetProperty("table_bloat")[0].GetProperty("bloat_ratio").GetDouble());
        Assert.Equal("2048 kB", root.GetProperty("unused_indexes")[0].GetProperty("index_size").GetString());
        Assert.Equal(45, root.GetProperty("unused_indexes")[0].GetProperty("days_since_last_scan").GetInt32());
        Assert.Equal("2025-10-30T10:30:00Z", root.GetProperty("generated_at").GetString());
    }
}
