using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>pgperf.query_log_slow (migration 011): the copy of slow rows Get-PgSlowQuery reads, and what retention drops.</summary>
public sealed class QuerySlowRowTests : IDisposable
{
    // The slow rows as the log holds them and as the copy holds them, in one comparable text each.
    private const string LogSlowRows =
        "SELECT coalesce(string_agg(id || '/' || logged_at || '/' || duration_ms || '/' || query_text || '/' || coalesce(query_hash, '-') || '/' || coalesce(endpoint, '-') || '/' || coalesce(user_id, '-') || '/' || coalesce(parameters::text, '-') || '/' || is_error || '/' || query_truncated, ';' ORDER BY id), '') FROM pgperf.query_performance_logs WHERE duration_ms >= 500";
    private const string CopiedRows =
        "SELECT coalesce(string_agg(id || '/' || logged_at || '/' || duration_ms || '/' || query_text || '/' || coalesce(query_hash, '-') || '/' || coalesce(endpoint, '-') || '/' || coalesce(user_id, '-') || '/' || coalesce(parameters::text, '-') || '/' || is_error || '/' || query_truncated, ';' ORDER BY id), '') FROM pgperf.query_log_slow";

    private readonly TestDatabase _db = new();
    private readonly IPgPerfEngine _engine = TestDatabase.NewEngine();
    private readonly IQueryLogService _service;

    public QuerySlowRowTests()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = _engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose() => _db.Dispose();

    [Fact]
    public void The_copy_follows_inserts_updates_deletes_and_truncate_of_the_log()
    {
        _db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error)
            SELECT now() - g * interval '1 minute', 'q' || (g % 5), 'h' || (g % 5), (g * 37) % 1000, '/e' || (g % 3), 'u' || g,
                   CASE WHEN g % 4 = 0 THEN jsonb_build_object('id', g) END, g % 11 = 0
              FROM generate_series(1, 400) g;
            """);
        Assert.Equal(_db.Scalar<long>("SELECT count(*) FROM pgperf.query_performance_logs WHERE duration_ms >= 500"), _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow"));
        Assert.True(_db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow") > 100);
        Assert.Equal(_db.Scalar<string>(LogSlowRows), _db.Scalar<string>(CopiedRows));

        // Slow rows become fast, fast rows become slow, a slow row changes its text, slow rows go.
        _db.Execute("""
            UPDATE pgperf.query_performance_logs SET duration_ms = 10 WHERE duration_ms >= 900;
            UPDATE pgperf.query_performance_logs SET duration_ms = 5000 WHERE duration_ms < 20;
            UPDATE pgperf.query_performance_logs SET query_text = 'renamed' WHERE duration_ms BETWEEN 600 AND 650;
            DELETE FROM pgperf.query_performance_logs WHERE duration_ms BETWEEN 700 AND 750;
            """);
        Assert.Equal(_db.Scalar<string>(LogSlowRows), _db.Scalar<string>(CopiedRows));
        Assert.Equal(0, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow WHERE duration_ms BETWEEN 900 AND 1000 OR duration_ms BETWEEN 700 AND 750"));
        Assert.True(_db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow WHERE query_text = 'renamed'") > 0);

        _db.Execute("TRUNCATE pgperf.query_performance_logs");
        Assert.Equal(0, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow"));
    }

    [Fact]
    public void Rows_sent_by_the_writer_and_by_spool_replay_are_copied_once()
    {
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, 300).Select(i => QueryLogRules.Create($"SELECT {i}", i * 3.5, now.AddSeconds(-i), "/api", "u", null, ParameterMode.Keep, i % 7 == 0, new List<string>())).ToList();
        var options = new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 };
        _service.Send(rows, options, default);
        Assert.Equal(_db.Scalar<string>(LogSlowRows), _db.Scalar<string>(CopiedRows));
        Assert.Equal(rows.Count(r => r.DurationMs >= 500), _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow"));
    }

    [Fact]
    public void Get_PgSlowQuery_returns_the_generated_rows_above_and_below_the_slow_threshold()
    {
        _db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, endpoint)
            SELECT now() - g * interval '3 minutes', 'q' || (g % 5), 'h' || (g % 5), (g * 53) % 1200 + (g % 10) * 0.001, '/e' || (g % 3)
              FROM generate_series(1, 1000) g;
            """);
        // The same rows worked out here from the generator, not read back through another reader of the log:
        // row g is 3g minutes old; slowest first, then the newest.
        var generated = Enumerable.Range(1, 1000)
            .Select(g => (G: g, Text: $"q{g % 5}", Ms: Math.Round((g * 53) % 1200 + (g % 10) * 0.001, 3), Endpoint: $"/e{g % 3}"))
            .ToList();
        static string Describe(IEnumerable<(string Text, double Ms, string? Endpoint)> rows) =>
            string.Join(",", rows.Select(r => $"{r.Text}/{r.Ms:0.###}/{r.Endpoint}"));
        IEnumerable<(int G, string Text, double Ms, string Endpoint)> Expected(int hours, double min) =>
            generated.Where(r => r.G * 3 < hours * 60 && r.Ms >= min).OrderByDescending(r => r.Ms).ThenBy(r => r.G);

        foreach (var (hours, min) in new[] { (24, 500.0), (6, 500.0), (24, 800.0), (24, 200.0), (3, 0.0) })
        {
            var rows = _service.GetSlowQueries(new SlowQueryOptions { Hours = hours, MinDurationMs = min }, default);
            Assert.NotEmpty(rows);
            Assert.Equal(Describe(Expected(hours, min).Select(r => (r.Text, r.Ms, (string?)r.Endpoint))),
                Describe(rows.Select(r => (r.QueryText, Math.Round(r.DurationMs, 3), r.Endpoint))));
        }
        var top = _service.GetSlowQueries(new SlowQueryOptions { Hours = 24, MinDurationMs = 500, Top = 3, Endpoints = new[] { "/e1" } }, default);
        Assert.Equal(Describe(Expected(24, 500).Where(r => r.Endpoint == "/e1").Take(3).Select(r => (r.Text, r.Ms, (string?)r.Endpoint))),
            Describe(top.Select(r => (r.QueryText, Math.Round(r.DurationMs, 3), r.Endpoint))));
    }

    [Fact]
    public void Retention_removes_the_copies_of_dropped_days_and_counts_large_partitions_from_statistics()
    {
        _db.Execute("""
            SELECT pgperf.ensure_query_log_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date - 40, (now() AT TIME ZONE 'UTC')::date - 1]);
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
            SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '40 days' + (g % 1000) * interval '1 minute', repeat('x', 120) || g, g % 1000
              FROM generate_series(1, 70000) g;
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
            SELECT now() - interval '1 day', 'recent', 600 + g FROM generate_series(1, 10) g;
            """);
        var oldDay = _db.Scalar<string>("SELECT partition_name FROM pgperf.query_log_partitions() ORDER BY day LIMIT 1");
        _db.Execute($"VACUUM pgperf.{oldDay}");
        Assert.True(_db.Scalar<int>($"SELECT relpages FROM pg_class WHERE oid = 'pgperf.{oldDay}'::regclass") > 1000);
        // Rows deleted since the last VACUUM: the estimate (what the drop reports for a large day) stays at 70,000.
        _db.Execute($"DELETE FROM pgperf.{oldDay} WHERE duration_ms < 10");
        Assert.Equal(70000 - 700, _db.Scalar<long>($"SELECT count(*) FROM pgperf.{oldDay}"));
        Assert.Equal(70000, _db.Scalar<long>($"SELECT reltuples::bigint FROM pg_class WHERE oid = 'pgperf.{oldDay}'::regclass"));

        var log = _engine.Get<IRetentionService>(_db.Info).Run(new PgRetentionOptions(), default).Tables.Single(t => t.Table == "pgperf.query_performance_logs");

        Assert.Equal(70000, log.RowsDeleted);
        Assert.Equal(10, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_performance_logs"));
        Assert.Equal("recent", _db.Scalar<string>("SELECT string_agg(DISTINCT query_text, ',') FROM pgperf.query_log_slow"));
        Assert.Equal(10, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow"));
    }
}
