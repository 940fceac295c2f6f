using PgPerf.Engine;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>The report's per-hour read must give, hour by hour, exactly what Get-PgQueryStat gives for that hour.</summary>
public sealed class QueryStatsByHourTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IQueryLogService _service;
    private readonly QueryRollups _rollups;
    private readonly DateTimeOffset _end;

    public QueryStatsByHourTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = engine.Get<IQueryLogService>(_db.Info);
        _rollups = new QueryRollups(new PgServerContext(_db.Info));
        var now = DateTimeOffset.UtcNow;
        _end = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        // 30 hours of four statements (one of them rare) and rows without a hash; log-normal latencies with slow ones.
        _db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, is_error)
            SELECT now() - random() * interval '30 hours', 'query.' || (g % 3), 'h' || (g % 3),
                   round(exp(3 + 1.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 3)::float8, g % 53 = 0
              FROM generate_series(1, 6000) g;
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
            SELECT now() - random() * interval '30 hours', 'rare', 'rare', round((random() * 900)::numeric, 2)::float8 FROM generate_series(1, 9) g;
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) SELECT now() - interval '5 hours', 'no hash', 42 FROM generate_series(1, 3);
            """);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Every_hour_equals_GetQueryStats_of_that_hour_rolled_up_dirty_and_raw()
    {
        _rollups.Refresh(default);
        // Hours changed after the rollup are dirty: the report must read their raw rows, as Get-PgQueryStat does.
        _db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
            SELECT now() - interval '7 hours' - g * interval '1 second', 'query.1', 'h1', 600 + g FROM generate_series(1, 20) g
            """);
        Assert.True(_db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_dirty_hours") + _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_rollup_pending") > 0);

        foreach (var groupBy in new[] { QueryStatGroupBy.None, QueryStatGroupBy.Query })
        {
            var options = new QueryStatOptions { Start = _end.AddHours(-32), End = _end, GroupBy = groupBy };
            var byHour = _service.GetQueryStatsByHour(options, default);
            var expected = new List<PgQueryStat>();
            for (var h = options.Start; h < options.End; h = h.AddHours(1))
                expected.AddRange(_service.GetQueryStats(options with { Start = h, End = h.AddHours(1) }, default).Where(r => r.TotalQueries > 0));
            Assert.True(expected.Count >= (groupBy == QueryStatGroupBy.None ? 30 : 90), $"{expected.Count} rows for {groupBy}");
            Assert.Equal(expected.Select(Figures), byHour.Select(Figures));
        }
    }

    [Fact]
    public void A_hash_filter_reads_only_those_queries_per_hour()
    {
        _rollups.Refresh(default);
        var options = new QueryStatOptions { Start = _end.AddHours(-32), End = _end, GroupBy = QueryStatGroupBy.Query, QueryHashes = new[] { "rare", "h2" } };
        var byHour = _service.GetQueryStatsByHour(options, default);
        Assert.Equal(new[] { "h2", "rare" }, byHour.Select(r => r.QueryHash).Distinct().Order());
        Assert.Equal(9, byHour.Where(r => r.QueryHash == "rare").Sum(r => r.TotalQueries));
        var expected = new List<PgQueryStat>();
        for (var h = options.Start; h < options.End; h = h.AddHours(1))
            expected.AddRange(_service.GetQueryStats(options with { Start = h, End = h.AddHours(1) }, default));
        Assert.Equal(expected.Select(Figures), byHour.Select(Figures));
    }

    [Fact]
    public void Windows_off_the_hour_are_refused_with_a_clear_error()
    {
        var ex = Assert.Throws<PgPerfException>(() => _service.GetQueryStatsByHour(
            new QueryStatOptions { Start = _end.AddHours(-2).AddMinutes(5), End = _end }, default));
        Assert.Equal("PgPerf.Query.InvalidTimeRange", ex.ErrorId);
    }

    private static string Figures(PgQueryStat r) =>
        FormattableString.Invariant($"{r.Start:u} {r.QueryHash} {r.QueryText} n={r.TotalQueries} slow={r.SlowQueries} err={r.ErrorQueries} avg={r.AvgDurationMs:R} p50={r.P50DurationMs:R} p95={r.P95DurationMs:R} p99={r.P99DurationMs:R} min={r.MinDurationMs:R} max={r.MaxDurationMs:R} sum={r.TotalDurationMs:R} {r.Status}");
}
