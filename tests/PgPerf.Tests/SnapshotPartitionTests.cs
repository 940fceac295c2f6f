using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// Migration 033: index usage and table bloat snapshots are range-partitioned by UTC day. The rows stored before it
/// move into their days unchanged (ids, derived steps and all); writers create their day; retention drops whole days
/// older than its cutoff, deletes the default partition's old rows, and keeps everything else.
/// </summary>
public sealed class SnapshotPartitionTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IPgPerfEngine _engine = TestDatabase.NewEngine();

    public void Dispose() => _db.Dispose();

    private static readonly string[] Tables = { "index_usage_snapshots", "table_bloat_snapshots" };

    // Every row of a table as text, in id order: the same columns in the same order before and after 033.
    private string Rows(string table) =>
        _db.Scalar<string>($"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t.id)), 'none') || ':' || count(*) FROM pgperf.{table} t")!;

    private string Days(string table) =>
        _db.Scalar<string>($"SELECT coalesce(string_agg(to_char(day, 'YYYY-MM-DD'), ',' ORDER BY day), '') FROM pgperf.snapshot_partitions('{table}')")!;

    private static string Day(int daysAgo) => DateTime.UtcNow.Date.AddDays(-daysAgo).ToString("yyyy-MM-dd");

    [Fact]
    public void The_engine_names_the_day_partitioned_tables_as_the_schema_lists_them()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        var listed = _db.Scalar<string[]>("SELECT pgperf.snapshot_day_tables()")!;
        Assert.Equal(listed.Order(), PgPerf.Engine.SnapshotDayTables.All.Order());
        foreach (var table in PgPerf.Engine.SnapshotDayTables.All)
            Assert.Equal("p", _db.Scalar<string>($"SELECT relkind::text FROM pg_class WHERE oid = '{PgPerf.Engine.SnapshotDayTables.Qualified(table)}'::regclass"));
    }

    [Fact]
    public void Applying_033_moves_every_row_into_its_day_unchanged_and_writers_go_on()
    {
        var schema = _engine.Get<ISchemaService>(_db.Info);
        schema.Install(schema.Shipped.Select(m => m.Version).Where(v => v < 33).ToArray(), default);
        // Two servers, three days of index readings (steps derived by 006's triggers) and of bloat estimates.
        _db.Execute("""
            INSERT INTO pgperf.monitored_servers (server_id, name, host, port, database) VALUES (1, 'shop', 'db1', 5432, 'shop');
            INSERT INTO pgperf.index_usage_snapshots (server_id, captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes)
                SELECT s, now() - (d || ' days')::interval, 'public', 't', 'i' || s, 100 - d * 10, 0, 0, 8192
                  FROM generate_series(0, 1) s, unnest(ARRAY[5, 3, 0]) d ORDER BY d DESC;
            INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio)
                SELECT s, now() - (d || ' days')::interval, 'public', 't', 1000, d, d FROM generate_series(0, 1) s, unnest(ARRAY[5, 3, 0]) d;
            """);
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM pgperf.index_usage_snapshots WHERE cum_scans IS NULL"));
        var before = Tables.ToDictionary(t => t, Rows);

        schema.Install(null, default);

        foreach (var table in Tables)
        {
            Assert.Equal(before[table], Rows(table));
            Assert.Equal($"{Day(5)},{Day(3)},{Day(0)}", Days(table));
            Assert.Equal(0L, _db.Scalar<long>($"SELECT count(*) FROM pgperf.{table}_default"));
            Assert.Equal("p", _db.Scalar<string>($"SELECT relkind::text FROM pg_class WHERE oid = 'pgperf.{table}'::regclass"));
        }
        // The writers: new ids after the old ones, and the new index readings derived against the moved rows.
        var maxIndexId = _db.Scalar<long>("SELECT max(id) FROM pgperf.index_usage_snapshots");
        Assert.Equal(2, _db.Scalar<int>("SELECT rows_written FROM pgperf.ingest_index_usage_snapshot(1, ARRAY[ROW(now() + interval '1 second', 'public', 't', 'i1', 107, 0, 0, 8192, false, false, false, false, true, NULL, NULL, NULL, NULL)::pgperf.index_usage_reading, ROW(now() + interval '1 second', 'public', 't', 'new', 1, 0, 0, 8192, false, false, false, false, true, NULL, NULL, NULL, NULL)::pgperf.index_usage_reading])"));
        Assert.True(_db.Scalar<long>("SELECT min(id) FROM pgperf.index_usage_snapshots WHERE captured_at > now()") > maxIndexId);
        // i1 of server 1 read 100 at its last row: 7 scans since
        Assert.Equal(7L, _db.Scalar<long>("SELECT scans FROM pgperf.index_usage_snapshots WHERE server_id = 1 AND indexname = 'i1' AND captured_at > now()"));
        // Both bloat writers make today's partition when it is missing (dropped here): nothing lands in the default.
        _db.Execute($"SELECT pgperf.drop_snapshot_partition('table_bloat_snapshots_p{Day(0).Replace("-", "")}')");
        Assert.Equal(1, _db.Scalar<int>("""
            SELECT rows_written FROM pgperf.ingest_table_bloat_snapshot(1, '[{"schemaname": "public", "tablename": "x", "kind": "Table",
                "table_bytes": 1, "bloat_bytes": 0, "bloat_ratio": 0, "live_tuples": 1, "dead_tuples": 0, "flags": [], "confidence": "Low"}]')
            """));
        _db.Execute($"SELECT pgperf.drop_snapshot_partition('table_bloat_snapshots_p{Day(0).Replace("-", "")}')");
        Assert.True(_db.Scalar<int>("SELECT pgperf.capture_table_bloat_snapshot()") > 0);
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM pgperf.table_bloat_snapshots_default"));
        Assert.EndsWith(Day(0), Days("table_bloat_snapshots"));
    }

    [Fact]
    public void Retention_drops_the_old_days_and_keeps_the_rest()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        // Days 100 and 95 ago and today have partitions; 120 and 10 days ago have none (their rows are in the default).
        _db.Execute($"""
            INSERT INTO pgperf.monitored_servers (server_id, name, host, port, database) VALUES (1, 'shop', 'db1', 5432, 'shop');
            SELECT pgperf.ensure_snapshot_partitions(t, ARRAY['{Day(100)}', '{Day(95)}', '{Day(0)}']::date[])
              FROM unnest(ARRAY['index_usage_snapshots', 'table_bloat_snapshots']) t;
            INSERT INTO pgperf.index_usage_snapshots (server_id, captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes)
                SELECT s, d::date + time '12:00' AT TIME ZONE 'UTC', 'public', 't', 'i', 0, 0, 0, 8192
                  FROM generate_series(0, 1) s, unnest(ARRAY['{Day(120)}', '{Day(100)}', '{Day(95)}', '{Day(10)}', '{Day(0)}']) d;
            INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio)
                SELECT s, d::date + time '00:00' AT TIME ZONE 'UTC', 'public', 't', 1, 0, 0
                  FROM generate_series(0, 1) s, unnest(ARRAY['{Day(120)}', '{Day(100)}', '{Day(95)}', '{Day(10)}', '{Day(0)}']) d;
            """);
        foreach (var table in Tables)
            Assert.Equal(4L, _db.Scalar<long>($"SELECT count(*) FROM pgperf.{table}_default"));

        var result = _engine.Get<IRetentionService>(_db.Info).Run(new PgRetentionOptions { SnapshotDays = 90, BatchSize = 1000 }, default);

        foreach (var table in Tables)
        {
            // the two old days' partitions are gone (dropped, not emptied); today's stays with both servers' rows
            Assert.Equal(Day(0), Days(table));
            Assert.Null(_db.Scalar<string>($"SELECT to_regclass('pgperf.{table}_p{Day(100).Replace("-", "")}')::text"));
            Assert.Equal("0,1", _db.Scalar<string>($"SELECT string_agg(server_id::text, ',' ORDER BY server_id) FROM pgperf.{table}_p{Day(0).Replace("-", "")}"));
            // the default partition keeps the day within retention, not the one past it
            Assert.Equal($"{Day(10)},{Day(10)}", _db.Scalar<string>($"SELECT string_agg(to_char(captured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ',') FROM pgperf.{table}_default"));
            var purged = result.Tables.Single(t => t.Table == "pgperf." + table);
            Assert.Equal(6, purged.RowsDeleted);   // 2 + 2 in the dropped days, 2 deleted from the default partition
            // two partitions dropped, and one DELETE batch in the default partition (the days left are inside retention)
            Assert.Equal(2 + 1, purged.Batches);
        }
    }
}
