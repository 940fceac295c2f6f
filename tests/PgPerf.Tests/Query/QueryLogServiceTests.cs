using Npgsql;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

public sealed class QueryLogServiceTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IQueryLogService _service;
    private readonly string _spool = Path.Combine(Path.GetTempPath(), "pgperf-spool-" + Guid.NewGuid().ToString("N")[..8]);

    public QueryLogServiceTests()
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _service = engine.Get<IQueryLogService>(_db.Info);
    }

    public void Dispose()
    {
        _db.Dispose();
        if (Directory.Exists(_spool)) Directory.Delete(_spool, recursive: true);
    }

    private QuerySendOptions Options => new() { SpoolDirectory = _spool };

    private static PgQueryLogEntry Entry(string text, double ms, DateTimeOffset? at = null, string? endpoint = "/api/x") =>
        QueryLogRules.Create(text, ms, at, endpoint, "u1", null, ParameterMode.Keep, false, new List<string>());

    [Fact]
    public void Writes_a_batch_with_every_column()
    {
        var e = QueryLogRules.Create("SELECT * FROM conversations WHERE status = 'x'", 12.5, null, "/api/conversations", "user-7",
            "{\"status\":\"pending_review\"}", ParameterMode.Keep, true, new List<string>());
        var result = _service.Send(new[] { e }, Options, default);
        Assert.Equal(1, result.Written);
        Assert.Equal(0, result.Spooled);
        Assert.Equal(QueryLogDelivery.Written, e.Delivery);
        Assert.Equal(
            $"SELECT * FROM conversations WHERE status = 'x'|{e.QueryHash}|12.5|/api/conversations|user-7|pending_review|true|false|{e.RecordId}",
            _db.Scalar<string>("SELECT query_text || '|' || query_hash || '|' || duration_ms || '|' || endpoint || '|' || user_id || '|' || (parameters->>'status') || '|' || is_error || '|' || query_truncated || '|' || record_id FROM pgperf.query_performance_logs"));
        Assert.Equal(e.LoggedAt, new DateTimeOffset(_db.Scalar<DateTime>("SELECT logged_at FROM pgperf.query_performance_logs"), TimeSpan.Zero));
    }

    [Fact]
    public void Replay_after_a_crash_between_commit_and_spool_cleanup_writes_each_record_once()
    {
        var batch = Enumerable.Range(1, 50).Select(i => Entry($"q{i % 5}", i)).ToList();
        Assert.Equal(50, _service.Send(batch, Options, default).Written);

        // Simulate the crash: the same records are still in the spool although they landed.
        var spool = new QueryLogSpool(_spool, _db.Info);
        using (spool.Lock(default))
            spool.Append(batch.Concat(new[] { Entry("only-in-spool", 1) }).ToList());

        var next = _service.Send(new[] { Entry("after", 2) }, Options, default);
        Assert.Equal(1, next.Replayed);
        Assert.Equal(1, next.Written);
        Assert.False(File.Exists(spool.FilePath));
        Assert.Equal(52, _db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));
        Assert.Equal(52, _db.Scalar<int>("SELECT count(DISTINCT record_id) FROM pgperf.query_performance_logs"));
    }

    [Fact]
    public void Spools_when_the_database_is_unreachable_with_owner_only_permissions()
    {
        // A port nothing listens on.
        var down = PgConnectionParser.Parse(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString);
        var service = TestDatabase.NewEngine().Get<IQueryLogService>(down);
        var rows = new[] { Entry("a", 1), Entry("b", 700) };
        var result = service.Send(rows, Options, default);
        Assert.Equal(0, result.Written);
        Assert.Equal(2, result.Spooled);
        Assert.Equal("PgPerf.Connection.Failed", result.Failure!.ErrorId);
        Assert.All(rows, r => Assert.Equal(QueryLogDelivery.Spooled, r.Delivery));

        var lines = File.ReadAllLines(result.SpoolFile!);
        Assert.Equal(2, lines.Length);
        Assert.Contains(rows[1].RecordId.ToString(), lines[1]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.SpoolFile!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_spool));
        }
    }

    [Fact]
    public void Slow_queries_keep_one_open_alert_per_hash_across_hours_with_counts_and_the_query_text()
    {
        var hour = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour), TimeSpan.Zero);
        var previous = hour.AddHours(-1);
        var first = new[]
        {
            Entry("SELECT * FROM t WHERE id = 1", 600, hour.AddMinutes(1)),
            Entry("SELECT * FROM t WHERE id = 2", 900, hour.AddMinutes(2)),
            Entry("SELECT * FROM t WHERE id = 3", 499, hour.AddMinutes(3)),  // under the threshold
            Entry("SELECT * FROM t WHERE id = 4", 800, previous.AddMinutes(30)),
        };
        _service.Send(first, Options, default);
        _service.Send(new[] { Entry("SELECT * FROM t WHERE id = 5", 5000, hour.AddMinutes(4)) }, Options, default);

        // The four slow executions span two hours and two batches: still one alert, open, keyed by the hash alone.
        Assert.Equal(1, _db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'slow_query'"));
        var key = "slow_query:" + first[0].QueryHash;
        Assert.Equal(key, _db.Scalar<string>("SELECT dedup_key FROM pgperf.performance_alerts WHERE alert_type = 'slow_query' AND resolved_at IS NULL"));
        Assert.Equal(4, _db.Scalar<int>($"SELECT occurrences FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
        Assert.Equal(-1800, _db.Scalar<int>($"SELECT extract(epoch FROM first_seen_at - '{hour.UtcDateTime:O}'::timestamptz)::int FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
        Assert.Equal(240, _db.Scalar<int>($"SELECT extract(epoch FROM last_seen_at - '{hour.UtcDateTime:O}'::timestamptz)::int FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
        Assert.Equal("critical", _db.Scalar<string>($"SELECT severity FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
        // The subject is the query text (the first batch's slowest), not the hash; the message is the latest batch's.
        Assert.Equal("SELECT * FROM t WHERE id = 2", _db.Scalar<string>($"SELECT subject FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
        Assert.StartsWith("SELECT * FROM t WHERE id = 5 ran at or over 500 ms", _db.Scalar<string>($"SELECT message FROM pgperf.performance_alerts WHERE dedup_key = '{key}'"));
    }

    [Fact]
    public void A_long_query_text_is_shortened_to_one_line_in_the_alert_subject_and_message()
    {
        var text = "SELECT c.id,\n       c.title\n  FROM conversations c\n WHERE c.status = 'open' AND " + string.Join(" AND ", Enumerable.Range(1, 60).Select(i => $"c.col{i} = {i}"));
        _service.Send(new[] { Entry(text, 700) }, Options, default);

        var subject = _db.Scalar<string>("SELECT subject FROM pgperf.performance_alerts WHERE alert_type = 'slow_query'")!;
        var message = _db.Scalar<string>("SELECT message FROM pgperf.performance_alerts WHERE alert_type = 'slow_query'")!;
        // Whitespace folded, cut at 80 characters with the cut's trailing space dropped.
        Assert.Equal("SELECT c.id, c.title FROM conversations c WHERE c.status = 'open' AND c.col1 =…", subject);
        Assert.DoesNotContain("\n", subject);
        Assert.StartsWith(subject[..^1], message);
        Assert.Contains("…", message);
        Assert.True(message.Length < text.Length, message);
    }

    [Fact]
    [Trait("Category", "Version")]   // the sample query text is any_value on PostgreSQL 16+, min before
    public void Stats_match_percentile_cont_and_group_by_query_and_endpoint()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 1000).Select(i => Entry(i % 2 == 0 ? $"SELECT a FROM t WHERE id = {i}" : "conversations.list",
            Math.Round(Math.Exp(random.NextDouble() * 7), 3), endpoint: i % 3 == 0 ? null : "/api/e" + (i % 3))).ToList();
        _service.Send(rows, Options, default);
        var now = DateTimeOffset.UtcNow;

        var all = Assert.Single(_service.GetQueryStats(new QueryStatOptions { Start = now.AddHours(-1), End = now.AddMinutes(1) }, default));
        Assert.Equal(1000, all.TotalQueries);
        Assert.Equal(rows.Count(r => r.DurationMs >= 500), all.SlowQueries);
        Assert.Equal(rows.Average(r => r.DurationMs), all.AvgDurationMs!.Value, 6);
        Assert.Equal(_db.Scalar<double>("SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM pgperf.query_performance_logs"), all.P95DurationMs!.Value, 9);
        Assert.Equal(_db.Scalar<double>("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FROM pgperf.query_performance_logs"), all.P50DurationMs!.Value, 9);
        Assert.Equal(rows.Max(r => r.DurationMs), all.MaxDurationMs);
        Assert.Equal(QueryThresholds.Classify(all.AvgDurationMs), all.Status);

        var byQuery = _service.GetQueryStats(new QueryStatOptions { Start = now.AddHours(-1), End = now.AddMinutes(1), GroupBy = QueryStatGroupBy.Query }, default);
        Assert.Equal(2, byQuery.Count);
        Assert.Equal(500, byQuery.Single(s => s.QueryText == "conversations.list").TotalQueries);
        Assert.Equal(QueryFingerprint.HashOf("SELECT a FROM t WHERE id = 0"), byQuery.Single(s => s.QueryText != "conversations.list").QueryHash);

        var byEndpoint = _service.GetQueryStats(new QueryStatOptions { Start = now.AddHours(-1), End = now.AddMinutes(1), GroupBy = QueryStatGroupBy.Endpoint }, default);
        Assert.Equal(3, byEndpoint.Count);
        Assert.Equal(334, byEndpoint.Single(s => s.Endpoint is null).TotalQueries);

        var empty = Assert.Single(_service.GetQueryStats(new QueryStatOptions { Start = now.AddDays(-9), End = now.AddDays(-8) }, default));
        Assert.Equal(0, empty.TotalQueries);
        Assert.Null(empty.P95DurationMs);
        Assert.Equal(QueryStatus.NoData, empty.Status);
    }

    [Fact]
    public void Slow_queries_match_the_sql_function_slowest_first()
    {
        _service.Send(new[] { Entry("a", 750), Entry("b", 499.9), Entry("c", 500), Entry("d", 2000, DateTimeOffset.UtcNow.AddHours(-30)), Entry("e", 1200) }, Options, default);
        var rows = _service.GetSlowQueries(new SlowQueryOptions(), default);
        Assert.Equal(new[] { "e", "a", "c" }, rows.Select(r => r.QueryText));
        Assert.Equal(string.Join(",", rows.Select(r => r.Id)), _db.Scalar<string>("SELECT string_agg(id::text, ',') FROM pgperf.get_slow_queries(24, 500)"));
        Assert.Equal(new[] { "d", "e", "a" }, _service.GetSlowQueries(new SlowQueryOptions { Hours = 48, MinDurationMs = 600 }, default).Select(r => r.QueryText));
        Assert.Equal(new[] { "e" }, _service.GetSlowQueries(new SlowQueryOptions { Top = 1 }, default).Select(r => r.QueryText));
        Assert.Equal(new[] { "a" }, _service.GetSlowQueries(new SlowQueryOptions { QueryHashes = new[] { QueryFingerprint.HashOf("a") } }, default).Select(r => r.QueryText));
    }

    [Fact]
    public void Time_range_must_be_ordered()
    {
        var now = DateTimeOffset.UtcNow;
        var ex = Assert.Throws<PgPerfException>(() => _service.GetQueryStats(new QueryStatOptions { Start = now, End = now.AddHours(-1) }, default));
        Assert.Equal("PgPerf.Query.InvalidTimeRange", ex.ErrorId);
    }
}
