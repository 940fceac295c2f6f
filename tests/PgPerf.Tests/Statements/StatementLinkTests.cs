using PgPerf.Engine;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Statements;

/// <summary>
/// Get-PgTopStatement's application figures (AppCalls, AppP95DurationMs) are read in the same statement as the top
/// list (statements_top.sql) when every hour of the window is rolled up, and by Get-PgQueryStat's read otherwise.
/// Both ways must give what Get-PgQueryStat gives for the same hash and window; the counts are checked against
/// the log rows the test wrote, counted here in SQL.
/// </summary>
public sealed class StatementLinkTests : IDisposable
{
    private const string TextA = "SELECT v FROM link_items WHERE id = 1";
    private const string TextB = "SELECT w FROM link_items WHERE id = 1";
    private const string TextC = "SELECT x FROM link_items";

    private readonly TestDatabase _db = new();
    private readonly IPgPerfEngine _engine = TestDatabase.NewEngine();
    private readonly DateTimeOffset _since;
    private readonly DateTimeOffset _until;

    public StatementLinkTests()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _until = DateTimeOffset.UtcNow;
        // Whole hours in the middle, partial hours at both ends: rollups and raw rows both count.
        var thisHour = new DateTimeOffset(_until.UtcDateTime.Date.AddHours(_until.UtcDateTime.Hour), TimeSpan.Zero);
        _since = thisHour.AddHours(-30).AddMinutes(17);
        // Three statements in this database, each with one interval in the window. A's text carries its hash
        // (set after a snapshot), B's does not (a snapshot taken from psql: the module hashes it), C has no log rows.
        _db.Execute($"""
            SELECT pgperf.ensure_statement_history_partitions(ARRAY(SELECT d::date FROM generate_series(current_date - 3, current_date + 1, interval '1 day') d));
            INSERT INTO pgperf.statement_texts (queryid, query, query_hash, first_seen_at) VALUES
                (1, '{TextA}', '{QueryFingerprint.HashOf(TextA)}', now()), (2, '{TextB}', NULL, now()), (3, '{TextC}', '{QueryFingerprint.HashOf(TextC)}', now());
            INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms,
                rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written,
                blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
            SELECT now() - interval '2 hours', (SELECT oid FROM pg_database WHERE datname = current_database()), 10, q, true, 5, 50, 600, 0, 5, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0
              FROM unnest(ARRAY[1, 2, 3]) q;
            -- A: 45 executions in each of 34 hours (more than a rollup keeps exactly, so the hourly digests are
            -- histograms), reaching before the window and into the current hour; B: 7 in one whole hour.
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
            SELECT '{thisHour.AddHours(-32):O}'::timestamptz + h * interval '1 hour' + g * interval '73 seconds', '{TextA}', '{QueryFingerprint.HashOf(TextA)}',
                   round((1 + (g * 37 + h * 11) % 400 * 1.7)::numeric, 3)::float8
              FROM generate_series(0, 33) h, generate_series(1, 45) g
             WHERE '{thisHour.AddHours(-32):O}'::timestamptz + h * interval '1 hour' + g * interval '73 seconds' < now();
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
            SELECT '{thisHour.AddHours(-5):O}'::timestamptz + g * interval '1 minute', '{TextB}', '{QueryFingerprint.HashOf(TextB)}', 3 * g
              FROM generate_series(1, 7) g;
            """);
        new QueryRollups(new PgServerContext(_db.Info)).Refresh(default);
    }

    public void Dispose() => _db.Dispose();

    private IReadOnlyList<PgStatementStat> Top() =>
        _engine.Get<IStatementService>(_db.Info).GetTop(new StatementTopOptions { Since = _since, Until = _until, Top = 0 }, default);

    private long LoggedInWindow(string text) =>
        _db.Scalar<long>($"SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = '{text}' AND logged_at >= '{_since:O}' AND logged_at < '{_until:O}'");

    private PgQueryStat LogStat(string text) =>
        _engine.Get<IQueryLogService>(_db.Info).GetQueryStats(new QueryStatOptions
        {
            Start = _since, End = _until, GroupBy = QueryStatGroupBy.Query, QueryHashes = new[] { QueryFingerprint.HashOf(text) },
        }, default).Single();

    private void AssertLinked(IReadOnlyList<PgStatementStat> top, string text)
    {
        Assert.Single(new[] { TextA, TextB, TextC }, t => QueryFingerprint.HashOf(t) == QueryFingerprint.HashOf(text));
        var row = top.Single(r => r.Query == text);
        var app = LogStat(text);
        Assert.Equal(LoggedInWindow(text), row.AppCalls);
        Assert.Equal(app.TotalQueries, row.AppCalls);
        Assert.Equal(app.P95DurationMs, row.AppP95DurationMs);
    }

    [Fact]
    public void Rolled_up_window_gets_the_same_figures_as_Get_PgQueryStat()
    {
        Assert.Equal(0L, _db.Scalar<long>($"SELECT count(*) FROM (SELECT hour FROM pgperf.query_log_dirty_hours UNION SELECT hour FROM pgperf.query_log_rollup_pending) d WHERE d.hour >= '{_since:O}' AND d.hour < date_trunc('hour', '{_until:O}'::timestamptz)"));
        var top = Top();
        Assert.True(LoggedInWindow(TextA) > 30 * 45 - 60, "the log rows of A are in the window");
        AssertLinked(top, TextA);
        AssertLinked(top, TextB);
        var c = top.Single(r => r.Query == TextC);
        Assert.Null(c.AppCalls);
        Assert.Null(c.AppP95DurationMs);
    }

    [Fact]
    public void An_hour_not_rolled_up_yet_is_read_as_Get_PgQueryStat_reads_it()
    {
        // A late row for a whole hour of the window: that hour waits for its rollup (query_log_dirty_hours).
        _db.Execute($"INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms) VALUES ('{_since.AddHours(3):O}', '{TextA}', '{QueryFingerprint.HashOf(TextA)}', 9999)");
        Assert.True(_db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_dirty_hours") > 0);
        var top = Top();
        AssertLinked(top, TextA);
        AssertLinked(top, TextB);
    }
}
