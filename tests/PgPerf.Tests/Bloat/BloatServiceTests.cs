using System.Text.RegularExpressions;
using Npgsql;
using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests.Bloat;

/// <summary>
/// VACUUM FULL can only give back rows no snapshot on the server may still see; other test classes running at
/// the same time (CREATE DATABASE, DROP INDEX CONCURRENTLY, installs) sometimes hold such a snapshot, and the
/// space-given-back assertions then failed at random. These tests run alone.
/// </summary>
[CollectionDefinition(nameof(VacuumFullCollection), DisableParallelization = true)]
public sealed class VacuumFullCollection { }

[Collection(nameof(VacuumFullCollection))]
public class BloatServiceTests
{
    private static (TestDatabase Db, IBloatService Service) NewInstalled(bool pgstattuple = false)
    {
        var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        if (pgstattuple) db.Execute("CREATE EXTENSION pgstattuple");
        return (db, engine.Get<IBloatService>(db.Info));
    }

    // Size of heap + TOAST, and what VACUUM FULL gives back, in percent.
    private static double Truth(TestDatabase db, string table)
    {
        const string size = "SELECT pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0) FROM pg_class c WHERE c.oid = '{0}'::regclass";
        var before = db.Scalar<long>(string.Format(size, table));
        db.Execute($"VACUUM FULL {table}");
        var after = db.Scalar<long>(string.Format(size, table));
        return 100.0 * (before - after) / before;
    }

    private static void Bloat(TestDatabase db, string table, int rows, int deletePercent, bool vacuum)
    {
        db.Execute($"CREATE TABLE {table} (id int, qty int, note text) WITH (autovacuum_enabled = off)");
        db.Execute($"INSERT INTO {table} SELECT i, i % 100, 'note ' || i FROM generate_series(1, {rows}) i");
        db.Execute($"DELETE FROM {table} WHERE abs(hashint4(id)) % 100 < {deletePercent}");
        NpgsqlConnection.ClearAllPools();   // the workload's statistics are flushed when its sessions end
        // ... and reach readers a moment later (before PostgreSQL 15 through the statistics collector): ANALYZE must
        // come after them, or the late DELETE counts look like changes since the last ANALYZE (StaleStats).
        db.WaitUntil($"SELECT n_tup_ins >= {rows} AND (n_tup_del > 0 OR {deletePercent} = 0) FROM pg_stat_user_tables WHERE relid = '{table}'::regclass");
        if (vacuum) db.Execute($"VACUUM {table}");
        db.Execute($"ANALYZE {table}");
        // Before PostgreSQL 15 the ANALYZE reaches the statistics views a moment later, too.
        db.WaitUntil($"SELECT n_mod_since_analyze = 0 FROM pg_stat_user_tables WHERE relid = '{table}'::regclass");
    }

    [Fact]
    public void Estimate_and_Exact_match_what_VACUUM_FULL_gives_back_even_after_a_plain_VACUUM()
    {
        var (db, service) = NewInstalled(pgstattuple: true);
        using var _ = db;
        Bloat(db, "deleted", 20_000, 60, vacuum: true);

        var estimate = Assert.Single(service.Estimate(default), r => r.Table == "deleted");
        Assert.Equal("public", estimate.Schema);
        Assert.Equal(PgBloatMethod.Estimate, estimate.Method);
        Assert.Equal(PgBloatConfidence.High, estimate.Confidence);
        Assert.Equal(0, estimate.DeadTuples);                 // the dead-row ratio would say 0 % here
        Assert.Equal(PgBloatStatus.Critical, estimate.Status);
        var exact = service.Measure(estimate, PgBloatMethod.Exact, default);
        var approx = service.Measure(estimate, PgBloatMethod.Approx, default);
        Assert.Equal(PgBloatMethod.Exact, exact.Method);
        Assert.Equal(estimate.TableBytes, exact.TableBytes);
        Assert.InRange(exact.LiveTuples, 7_000, 9_000);

        var truth = Truth(db, "deleted");
        Assert.InRange(truth, 50, 70);
        Assert.InRange(estimate.BloatPercent, truth - 3, truth + 3);
        Assert.InRange(exact.BloatPercent, truth - 3, truth + 3);
        Assert.InRange(approx.BloatPercent, exact.BloatPercent - 3, exact.BloatPercent + 3);
    }

    [Fact]
    [Trait("Category", "Version")]   // never analyzed reads reltuples, -1 from PostgreSQL 14 and 0 before (018)
    public void Edge_cases_empty_never_analyzed_partitioned_matview_unlogged_and_quoted_names()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        db.Execute("CREATE TABLE empty_t (id int)");
        db.Execute("CREATE TABLE never_analyzed (id int, v text) WITH (autovacuum_enabled = off)");
        db.Execute("INSERT INTO never_analyzed SELECT i, 'x' FROM generate_series(1, 1000) i");
        db.Execute("CREATE TABLE emptied (id int) WITH (autovacuum_enabled = off)");
        db.Execute("INSERT INTO emptied SELECT generate_series(1, 5000)");
        db.Execute("DELETE FROM emptied");
        db.Execute("ANALYZE emptied");
        db.Execute("CREATE TABLE parted (id int, v int) PARTITION BY RANGE (id)");
        db.Execute("CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (5000) WITH (autovacuum_enabled = off)");
        db.Execute("CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (5000) TO (10000) WITH (autovacuum_enabled = off)");
        db.Execute("INSERT INTO parted SELECT i, i FROM generate_series(0, 9999) i");
        db.Execute("DELETE FROM parted WHERE id % 2 = 0");
        db.Execute("CREATE MATERIALIZED VIEW mv AS SELECT i FROM generate_series(1, 1000) i");
        db.Execute("CREATE UNLOGGED TABLE unlogged_t (id int)");
        db.Execute("INSERT INTO unlogged_t SELECT generate_series(1, 1000)");
        db.Execute("CREATE SCHEMA \"My Schema\"");
        db.Execute("CREATE TABLE \"My Schema\".\"Order Items\" (\"select\" int)");
        db.Execute("INSERT INTO \"My Schema\".\"Order Items\" SELECT generate_series(1, 100)");
        NpgsqlConnection.ClearAllPools();
        db.Execute("ANALYZE parted; ANALYZE mv; ANALYZE unlogged_t; ANALYZE \"My Schema\".\"Order Items\"");

        var rows = service.Estimate(default).ToDictionary(r => r.Table);

        var empty = rows["empty_t"];
        Assert.Equal(0, empty.TableBytes);
        Assert.Equal(0, empty.BloatPercent);
        Assert.Equal(PgBloatStatus.Healthy, empty.Status);

        var never = rows["never_analyzed"];
        Assert.Contains("NoStats", never.Flags);
        Assert.Equal(PgBloatConfidence.Low, never.Confidence);
        // Without statistics only the dead-row share is known; a fresh insert is not bloat.
        Assert.Equal(0, never.BloatPercent);

        Assert.Equal(100, rows["emptied"].BloatPercent);       // VACUUM FULL would leave nothing

        var p1 = rows["parted_1"];
        var p2 = rows["parted_2"];
        var parent = rows["parted"];
        Assert.Equal("PartitionedTable", parent.Kind);
        Assert.Contains("PartitionedParent", parent.Flags);
        Assert.Equal(p1.TableBytes + p2.TableBytes, parent.TableBytes);
        Assert.Equal(p1.BloatBytes + p2.BloatBytes, parent.BloatBytes);
        Assert.Equal(p1.LiveTuples + p2.LiveTuples, parent.LiveTuples);
        Assert.InRange(p1.BloatPercent, 40, 60);

        Assert.Equal("MaterializedView", rows["mv"].Kind);
        Assert.Equal(1000, rows["mv"].LiveTuples);
        Assert.Equal(1000, rows["unlogged_t"].LiveTuples);
        Assert.True(rows["unlogged_t"].TableBytes > 0);

        var quoted = rows["Order Items"];
        Assert.Equal("My Schema", quoted.Schema);
        Assert.Equal("\"My Schema\".\"Order Items\"", quoted.QualifiedName);
        Assert.Equal(100, quoted.LiveTuples);
        Assert.All(rows.Values, r => Assert.Equal(db.Info.Server, r.Server));
    }

    [Fact]
    public void Flags_mark_the_estimates_weak_spots()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        db.Execute("CREATE TABLE dropped (id int, junk text, v int)");
        db.Execute("INSERT INTO dropped SELECT i, repeat('j', 50), i FROM generate_series(1, 2000) i");
        db.Execute("ALTER TABLE dropped DROP COLUMN junk");
        db.Execute("CREATE TABLE named (id int, owner name)");
        db.Execute("INSERT INTO named SELECT i, 'o' FROM generate_series(1, 500) i");
        db.Execute("CREATE TABLE padded (a bool, b bigint, c bool, d bigint, e bool, f bigint)");
        db.Execute("INSERT INTO padded SELECT true, i, false, i, true, i FROM generate_series(1, 500) i");
        db.Execute("CREATE TABLE stale (id int) WITH (autovacuum_enabled = off)");
        db.Execute("INSERT INTO stale SELECT generate_series(1, 100)");
        NpgsqlConnection.ClearAllPools();
        db.Execute("ANALYZE");
        db.Execute("INSERT INTO stale SELECT generate_series(1, 5000)");
        db.Execute("CREATE ROLE bloat_reader_" + db.Name + " LOGIN PASSWORD 'reader-pw'");
        // The estimate is pgperf.table_bloat_estimate(): the reader may use the schema, but not read the table.
        db.Execute("GRANT USAGE ON SCHEMA pgperf TO bloat_reader_" + db.Name);
        db.Execute("CREATE TABLE secret (id int)");
        db.Execute("INSERT INTO secret SELECT generate_series(1, 100)");
        NpgsqlConnection.ClearAllPools();
        db.Execute("ANALYZE secret");

        var rows = service.Estimate(default).ToDictionary(r => r.Table);
        Assert.Contains("DroppedColumns", rows["dropped"].Flags);
        Assert.Equal(PgBloatConfidence.Medium, rows["dropped"].Confidence);
        // The dropped text is still in every row; VACUUM FULL gives it back.
        Assert.True(rows["dropped"].BloatPercent > 30, $"dropped: {rows["dropped"].BloatPercent}");
        Assert.Contains("NameColumns", rows["named"].Flags);
        Assert.Contains("PaddingHeavy", rows["padded"].Flags);
        Assert.Equal(PgBloatStatus.Healthy, rows["padded"].Status);   // padding is not bloat
        Assert.Contains("StaleStats", rows["stale"].Flags);
        Assert.Equal(PgBloatConfidence.Low, rows["stale"].Confidence);

        // A role that may not read the table cannot see its pg_stats rows.
        var role = "bloat_reader_" + db.Name;
        var limited = PgConnectionParser.Parse(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role, Password = "reader-pw" }.ConnectionString);
        try
        {
            var asReader = TestDatabase.NewEngine().Get<IBloatService>(limited).Estimate(default).ToDictionary(r => r.Table);
            Assert.Contains("NoStatsAccess", asReader["secret"].Flags);
            Assert.Equal(PgBloatConfidence.Low, asReader["secret"].Confidence);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            db.Execute($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public void The_cmdlets_and_the_sql_function_give_the_same_estimate()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        db.Execute("CREATE TABLE t (id int, v text)");
        db.Execute("INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 3000) i");
        db.Execute("DELETE FROM t WHERE id % 3 = 0");
        NpgsqlConnection.ClearAllPools();
        db.Execute("ANALYZE t");
        var viaService = Assert.Single(service.Estimate(default), r => r.Table == "t");
        Assert.Equal(viaService.BloatBytes, db.Scalar<long>("SELECT bloat_bytes FROM pgperf.table_bloat_estimate() WHERE tablename = 't'"));
        // Every column of the function reaches its property (the query names them as the model; Dapper fills it).
        using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT * FROM pgperf.table_bloat_estimate() WHERE tablename = 't'", connection);
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            var properties = new Dictionary<string, object>
            {
                ["oid"] = viaService.TableOid, ["toast_oid"] = viaService.ToastOid, ["schemaname"] = viaService.Schema,
                ["tablename"] = viaService.Table, ["kind"] = viaService.Kind, ["fillfactor"] = viaService.FillFactor,
                ["table_bytes"] = viaService.TableBytes, ["bloat_bytes"] = viaService.BloatBytes, ["bloat_ratio"] = viaService.BloatPercent,
                ["live_tuples"] = viaService.LiveTuples, ["dead_tuples"] = viaService.DeadTuples, ["fixed_width"] = viaService.FixedWidth,
                ["row_bytes"] = viaService.EstimatedRowBytes, ["confidence"] = viaService.Confidence.ToString(),
            };
            foreach (var (column, value) in properties)
                Assert.Equal(Convert.ChangeType(reader[column], value.GetType(), System.Globalization.CultureInfo.InvariantCulture), value);
            Assert.Equal((string[])reader["flags"], viaService.Flags);
            Assert.Equal(properties.Count + 1, reader.FieldCount);
        }
        // The SQL function's confidence is the Core rule.
        foreach (var row in service.Estimate(default))
            Assert.Equal(BloatMath.Confidence(row.Flags).ToString(),
                db.Scalar<string>($"SELECT confidence FROM pgperf.table_bloat_estimate() WHERE oid = {row.TableOid}"));
    }

    [Fact]
    public void Approx_and_Exact_need_pgstattuple_and_say_how_to_install_it()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        db.Execute("CREATE TABLE t (id int)");
        var row = Assert.Single(service.Estimate(default), r => r.Table == "t");
        Assert.False(service.HasPgstattuple(default));
        var ex = Assert.Throws<PgPerfException>(() => service.Measure(row, PgBloatMethod.Exact, default));
        Assert.Equal("PgPerf.Bloat.ExtensionMissing", ex.ErrorId);
        Assert.Equal("Method", ex.ParameterName);
        Assert.Contains("CREATE EXTENSION pgstattuple", ex.Message);
        Assert.Contains("pg_stat_scan_tables", ex.Message);

        db.Execute("CREATE EXTENSION pgstattuple");
        db.Execute("DROP TABLE t");
        var gone = Assert.Throws<PgPerfException>(() => service.Measure(row, PgBloatMethod.Exact, default));
        Assert.Equal("PgPerf.Bloat.TableNotFound", gone.ErrorId);
    }

    [Fact]
    public void Snapshot_alerts_once_per_table_over_threshold_and_size_floor_then_resolves()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        Bloat(db, "big", 60_000, 60, vacuum: false);     // about 3 MB, 60 % bloat
        Bloat(db, "tiny", 1000, 80, vacuum: false);      // 48 kB at about 65 %: under the size floor
        var options = new PgBloatSnapshotOptions { SkipPgstattupleCheck = true };

        var first = service.CaptureSnapshot(options, default);
        Assert.Equal("TableBloat", first.Kind);
        Assert.True(first.Count >= 2);
        Assert.Equal(first.Count, db.Scalar<int>("SELECT count(*) FROM pgperf.table_bloat_snapshots"));
        Assert.Equal("Estimate", db.Scalar<string>("SELECT method FROM pgperf.table_bloat_snapshots WHERE tablename = 'big'"));
        Assert.InRange(db.Scalar<double>("SELECT bloat_ratio FROM pgperf.table_bloat_snapshots WHERE tablename = 'big'"), 50, 70);
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'high_bloat'"));
        Assert.Equal("high_bloat:public.big", db.Scalar<string>("SELECT dedup_key FROM pgperf.performance_alerts"));
        Assert.Equal("critical", db.Scalar<string>("SELECT severity FROM pgperf.performance_alerts"));

        service.CaptureSnapshot(options, default);
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'high_bloat'"));
        Assert.Equal(2, db.Scalar<int>("SELECT occurrences FROM pgperf.performance_alerts WHERE alert_type = 'high_bloat'"));

        service.Vacuum("public", "big", full: true, analyze: true, default);
        service.CaptureSnapshot(options, default);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE resolved_at IS NULL"));
        Assert.Equal("auto", db.Scalar<string>("SELECT resolved_by FROM pgperf.performance_alerts"));

        // The spec functions work on their own (psql, pg_cron).
        Assert.True(db.Scalar<int>("SELECT pgperf.capture_table_bloat_snapshot()") >= 2);
        Assert.Equal(0, db.Scalar<int>("SELECT pgperf.check_table_bloat_alerts()"));
        Assert.True(db.Scalar<int>("SELECT pgperf.check_table_bloat_alerts(50, 0)") >= 1);   // without the floor, tiny alerts
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE resolved_at IS NULL AND subject = 'public.tiny'"));
    }

    [Fact]
    [Trait("Category", "Version")]   // pgstattuple_approx reads TOAST tables only from PostgreSQL 14
    public void Snapshot_confirms_with_Approx_and_skips_a_locked_table_without_waiting()
    {
        var (db, service) = NewInstalled(pgstattuple: true);
        using var _ = db;
        Bloat(db, "bloated", 20_000, 60, vacuum: false);
        Bloat(db, "locked", 20_000, 60, vacuum: false);

        using var holder = new NpgsqlConnection(db.ConnectionString);
        holder.Open();
        using var tx = holder.BeginTransaction();
        using (var lockCmd = new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, tx)) lockCmd.ExecuteNonQuery();

        var result = service.CaptureSnapshot(new PgBloatSnapshotOptions { TimeBudgetSeconds = 60, LockTimeoutMs = 100 }, default);
        tx.Rollback();

        Assert.Contains("public.locked (locked)", result.Skipped);
        Assert.Equal("Approx", db.Scalar<string>("SELECT method FROM pgperf.table_bloat_snapshots WHERE tablename = 'bloated'"));
        Assert.Equal("Estimate", db.Scalar<string>("SELECT method FROM pgperf.table_bloat_snapshots WHERE tablename = 'locked'"));
        Assert.Contains("SizeFromCatalog", db.Scalar<string>("SELECT array_to_string(flags, ',') FROM pgperf.table_bloat_snapshots WHERE tablename = 'locked'"));

        // Zero budget: everything keeps its estimate.
        var hurried = service.CaptureSnapshot(new PgBloatSnapshotOptions { TimeBudgetSeconds = 0 }, default);
        Assert.Contains("public.bloated (time budget)", hurried.Skipped);
    }

    [Fact]
    public void Vacuum_full_gives_the_space_back_and_reports_it()
    {
        var (db, service) = NewInstalled();
        using var _ = db;
        Bloat(db, "\"Mixed Case\"", 20_000, 60, vacuum: false);
        // What the sizes must be, measured without the service: the table as it is, and its live rows written
        // compactly into a fresh table (which is what VACUUM FULL does). By INSERT, not CREATE TABLE AS: from
        // PostgreSQL 17 that writes in bulk and leaves a larger file (64 pages where these rows fill 51).
        var bloated = db.Scalar<long>("SELECT pg_relation_size('\"Mixed Case\"')");
        db.Execute("CREATE TABLE live_copy (LIKE \"Mixed Case\"); INSERT INTO live_copy SELECT * FROM \"Mixed Case\"");
        var compact = db.Scalar<long>("SELECT pg_relation_size('live_copy')");
        Assert.True(compact < bloated * 0.6, $"{bloated} -> {compact}");   // the data really is 60 % dead

        var result = service.Vacuum("public", "Mixed Case", full: true, analyze: false, default);
        Assert.Equal("VACUUM (FULL) public.\"Mixed Case\"", result.Sql);
        Assert.Equal(bloated, result.BytesBefore);
        Assert.Equal(compact, result.BytesAfter);
        Assert.Equal(compact, db.Scalar<long>("SELECT pg_relation_size('\"Mixed Case\"')"));

        var missing = Assert.Throws<PgPerfException>(() => service.Vacuum("public", "nope", false, false, default));
        Assert.Equal("PgPerf.Bloat.TableNotFound", missing.ErrorId);
    }
}
