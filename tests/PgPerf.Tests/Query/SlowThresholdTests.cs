using System.Globalization;
using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// The slow threshold lives in C# (QueryThresholds.SlowQueryMs: rollup counts, report queries' bound @slow_query_ms)
/// and in migration 011 (the slow-row copy's trigger, get_slow_queries' default and its choice of source): rows just
/// under, at and over it must be classed alike by all of them.
/// </summary>
public sealed class SlowThresholdTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IQueryLogService _service;

    public SlowThresholdTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Rows_at_the_threshold_are_slow_everywhere_and_rows_just_under_it_nowhere()
    {
        string Ms(double ms) => ms.ToString("R", CultureInfo.InvariantCulture);
        var at = QueryThresholds.SlowQueryMs;
        _db.Execute($"""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
            VALUES (now() - interval '5 minutes', 'under', 'h1', {Ms(at - 0.001)}),
                   (now() - interval '4 minutes', 'at', 'h2', {Ms(at)}),
                   (now() - interval '3 minutes', 'over', 'h3', {Ms(at + 1)})
            """);

        // 011's trigger copies exactly the rows at or over C#'s threshold.
        Assert.Equal("at,over", _db.Scalar<string>("SELECT string_agg(query_text, ',' ORDER BY duration_ms) FROM pgperf.query_log_slow"));
        // get_slow_queries' default is that threshold, and its two sources (the copy at or over it, the log below) agree.
        Assert.Equal("at,over", _db.Scalar<string>("SELECT string_agg(query_text, ',' ORDER BY duration_ms) FROM pgperf.get_slow_queries(1)"));
        Assert.Equal("at,over", _db.Scalar<string>($"SELECT string_agg(query_text, ',' ORDER BY duration_ms) FROM pgperf.get_slow_queries(1, {Ms(at)})"));
        Assert.Equal("under,at,over", _db.Scalar<string>($"SELECT string_agg(query_text, ',' ORDER BY duration_ms) FROM pgperf.get_slow_queries(1, {Ms(at - 0.01)})"));
        // Get-PgSlowQuery's default reads the copy; the same rows.
        Assert.Equal(new[] { "over", "at" }, _service.GetSlowQueries(new SlowQueryOptions { Hours = 1 }, default).Select(q => q.QueryText));
    }
}
