using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// Migration 032: a registered database stores only its own database's statements. The copies stored before it, a
/// registered database's history of another database that is registered too on the same host and port, are deleted
/// when it is applied; the history of a database nobody registered is the only copy and stays; the rollup follows.
/// The rows are inserted as 023's ingest stored them (names as 025's snapshots stored them), before 032 is applied.
/// </summary>
public sealed class RepositoryStatementCopiesTests : IDisposable
{
    private readonly TestDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Applying_032_deletes_the_copies_of_registered_databases_only()
    {
        var engine = TestDatabase.NewEngine();
        var schema = engine.Get<ISchemaService>(_db.Info);
        schema.Install(schema.Shipped.Select(m => m.Version).Where(v => v < 32).ToArray(), default);
        // shop (oid 101) and billing (oid 102) on one server, each holding both databases' statements and those of
        // postgres (oid 103, not registered); other (server 3) is billing's namesake on another port.
        _db.Execute("""
            INSERT INTO pgperf.monitored_servers (server_id, name, host, port, database)
            VALUES (1, 'shop', 'db1', 5432, 'shop'), (2, 'billing', 'DB1', 5432, 'billing'), (3, 'other', 'db1', 5433, 'shop');
            INSERT INTO pgperf.statement_names (server_id, kind, oid, name)
            SELECT s, 'database', o, n FROM generate_series(1, 3) s, (VALUES (101, 'shop'), (102, 'billing'), (103, 'postgres')) v(o, n);
            SELECT pgperf.ensure_statement_history_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date]);
            INSERT INTO pgperf.statement_history (server_id, captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time,
                    plan_time_ms, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read,
                    temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
            SELECT s, now(), d, 10, 42, true, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
              FROM generate_series(1, 3) s, unnest(ARRAY[101, 102, 103]) d;
            """);
        Assert.Equal(9L, _db.Scalar<long>("SELECT count(*) FROM pgperf.statement_running"));

        schema.Install(null, default);

        const string kept = "SELECT string_agg(server_id || ':' || dbid, ',' ORDER BY server_id, dbid) FROM pgperf.{0}";
        // shop keeps its own and postgres's; billing (its host written in capitals) its own and postgres's; server 3
        // is another server (port 5433): nothing of it is a copy of a database registered with it.
        const string expected = "1:101,1:103,2:102,2:103,3:101,3:102,3:103";
        Assert.Equal(expected, _db.Scalar<string>(string.Format(kept, "statement_history")));
        // the rollup was recomputed by the history's triggers
        Assert.Equal(expected, _db.Scalar<string>(string.Format(kept, "statement_running")));
        Assert.Equal(expected, _db.Scalar<string>(string.Format(kept, "statement_daily")));
    }
}
