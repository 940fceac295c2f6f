using Npgsql;
using PgPerf.Engine;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// Migration 013 and Install-PgPerfSchema recompute stored QueryHash values of an older fingerprint version in place:
/// the log, its slow copy, every rollup keyed by query_hash and the sample texts stay consistent with each other.
/// </summary>
public sealed class QueryHashUpgradeTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Install_recomputes_stored_hashes_merging_and_splitting_rollups_with_the_log()
    {
        var schema = TestDatabase.NewEngine().Get<ISchemaService>(_db.Info);
        // The schema as it is now, with hashes and rollups of QueryHash version 1 (what migration 013 records for a log
        // written before it): the rollup refresh below is today's, which needs today's tables (server_id, 036).
        schema.Install(null, default);

        // Hashes as an older version stored them: $1 and 5 apart (they merge now), every DO block one hash (they split
        // now). A logical name's hash is unchanged; a truncated text keeps its hash; a row without a hash keeps none.
        var current = QueryFingerprint.HashOf("conversations.list");
        _db.Execute($"""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, query_truncated)
            SELECT date_trunc('hour', now()) - (h || ' hours')::interval + interval '10 minutes', t, old, ms, cut
              FROM (VALUES ('SELECT * FROM t WHERE id = $1', 'old-param', 700.0, 30, false),
                           ('SELECT * FROM t WHERE id = $1', 'old-param', 20.0, 2, false),
                           ('SELECT * FROM t WHERE id = $1', 'old-param', 15.0, 2, false),
                           ('SELECT * FROM t WHERE id = 5', 'old-literal', 900.0, 2, false),
                           ('SELECT * FROM t WHERE id = 5', 'old-literal', 10.0, 30, false),
                           ('DO $$BEGIN PERFORM 1; END$$', 'old-do', 600.0, 3, false),
                           ('DO $$BEGIN PERFORM 1; END$$', 'old-do', 5.0, 30, false),
                           ('DO $$BEGIN DELETE FROM x; END$$', 'old-do', 50.0, 3, false),
                           ('DO $$BEGIN DELETE FROM x; END$$', 'old-do', 5.0, 2, false),
                           ('conversations.list', '{current}', 800.0, 2, false),
                           ('conversations.list', '{current}', 8.0, 5, false),
                           ('SELECT ''cut', 'old-truncated', 510.0, 3, true)) v (t, old, ms, h, cut);
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES (now() - interval '4 hours', 'psql insert', 1);
            """);
        new QueryRollups(new PgServerContext(_db.Info)).Refresh(default);
        _db.Execute("UPDATE pgperf.query_hash_version SET version = 1, rehashed_at = NULL");
        Assert.Equal(3L, _db.Scalar<long>("SELECT count(DISTINCT query_hash) FROM pgperf.query_log_hourly WHERE query_hash LIKE 'old-%' AND query_hash <> 'old-truncated'"));

        var info = schema.Install(null, default);

        Assert.Contains(info.Notices, n => n.Message.Contains("recomputed the QueryHash of 9 logged execution(s)"));
        Assert.Equal(QueryFingerprint.Version, _db.Scalar<int>("SELECT version FROM pgperf.query_hash_version"));
        var hashes = LogHashes();
        Assert.All(hashes.Where(r => !r.Truncated && r.Hash is not null), r => Assert.Equal(QueryFingerprint.HashOf(r.Text), r.Hash));
        string HashOfText(string text) => hashes.First(r => r.Text == text).Hash!;
        Assert.Equal(HashOfText("SELECT * FROM t WHERE id = $1"), HashOfText("SELECT * FROM t WHERE id = 5"));
        Assert.NotEqual(HashOfText("DO $$BEGIN PERFORM 1; END$$"), HashOfText("DO $$BEGIN DELETE FROM x; END$$"));
        Assert.Equal("old-truncated", HashOfText("SELECT 'cut"));
        Assert.Null(HashOfText("psql insert"));

        // The slow copy follows the log row by row.
        Assert.Equal(0L, _db.Scalar<long>("""
            SELECT count(*) FROM pgperf.query_performance_logs l FULL JOIN pgperf.query_log_slow s ON s.logged_at = l.logged_at AND s.id = l.id
             WHERE (l.duration_ms >= 500 OR s.id IS NOT NULL) AND (l.id IS NULL OR s.id IS NULL OR s.query_hash IS DISTINCT FROM l.query_hash)
            """));
        Assert.Equal(5L, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_slow"));

        // Every rollup agrees with counts taken from the log itself: merged hashes hold both texts' rows, split ones
        // each their own, and no old hash is left (except the truncated row's, which kept it).
        Assert.Equal(0L, _db.Scalar<long>(RollupMismatches("query_log_hourly", "hour")));
        Assert.Equal(0L, _db.Scalar<long>(RollupMismatches("query_log_daily", "day")));
        Assert.Equal(0L, _db.Scalar<long>(QueryRollupTests.InconsistentBlocks));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_blocks b WHERE NOT EXISTS (SELECT 1 FROM pgperf.query_log_hourly h WHERE h.query_hash = b.query_hash)"));
        Assert.Equal(5L, _db.Scalar<long>($"SELECT sum(total) FROM pgperf.query_log_daily WHERE query_hash = '{HashOfText("SELECT * FROM t WHERE id = 5")}'"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_hourly WHERE query_hash IN ('old-param', 'old-literal', 'old-do')"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_dirty_hours"));

        // Each rolled-up hash has a sample text of its own.
        var texts = SampleTexts();
        Assert.Equal(_db.Scalar<long>("SELECT count(DISTINCT query_hash) FROM pgperf.query_log_hourly WHERE query_hash <> ''"), texts.Count);
        Assert.All(texts.Where(t => t.Hash != "old-truncated"), t => Assert.Equal(QueryFingerprint.HashOf(t.Text), t.Hash));

        // Once current, another install changes nothing.
        var again = schema.Install(null, default);
        Assert.DoesNotContain(again.Notices, n => n.Message.Contains("recomputed"));
    }

    // Rollup rows (period, hash, total) that the log's own rows, counted here, do not give, and the other way round.
    // The column is also the unit: rollups bin by UTC hour and day (date_trunc in UTC, which PostgreSQL 13 has too).
    private static string RollupMismatches(string table, string column) => $"""
        WITH log AS (SELECT date_trunc('{column}', logged_at, 'UTC') AS at, coalesce(query_hash, '') AS h, count(*) AS n
                       FROM pgperf.query_performance_logs GROUP BY 1, 2),
             rollup AS (SELECT {column} AS at, query_hash AS h, total AS n FROM pgperf.{table})
        SELECT count(*) FROM ((SELECT * FROM log EXCEPT SELECT * FROM rollup) UNION ALL (SELECT * FROM rollup EXCEPT SELECT * FROM log)) d
        """;

    private List<(string Text, string? Hash, bool Truncated)> LogHashes()
    {
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT query_text, query_hash, query_truncated FROM pgperf.query_performance_logs", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string?, bool)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2)));
        return rows;
    }

    private List<(string Text, string Hash)> SampleTexts()
    {
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT query_text, query_hash FROM pgperf.query_log_texts", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }
}
