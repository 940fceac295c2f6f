using Npgsql;
using Xunit;

namespace PgPerf.Tests.Index;

/// <summary>The index service against the real throwaway server.</summary>
public class IndexServiceTests
{
    private static (TestDatabase Db, IIndexService Service) NewDatabase()
    {
        var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        return (db, engine.Get<IIndexService>(db.Info));
    }

    /// <summary>Runs index scans in a session of its own and makes it publish its counters before it ends.</summary>
    private static void Scan(TestDatabase db, string sql, int times = 1)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        foreach (var setup in new[] { "SET enable_seqscan = off", "SET enable_bitmapscan = off" })
            using (var c = new NpgsqlCommand(setup, connection)) c.ExecuteNonQuery();
        for (var i = 0; i < times; i++)
            using (var c = new NpgsqlCommand(sql, connection)) c.ExecuteScalar();
        TestDatabase.PublishStatistics(connection);
    }

    private static long IdxScan(TestDatabase db, string index) =>
        db.Scalar<long>($"SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '{index}'");

    [Fact]
    public void Snapshot_writes_one_row_per_user_index_with_flags_and_reset_times()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute(""""
            CREATE TABLE "Mixed Case"(id int PRIMARY KEY, a int, e text UNIQUE);
            CREATE INDEX "Weird ""Name""" ON "Mixed Case"(a);
            """");
        var result = service.CaptureSnapshot(default);
        Assert.Equal("Index", result.Kind);
        Assert.Equal(3, result.Count);
        Assert.True(result.DurationMs > 0);
        Assert.Equal(db.Info.Server, result.Server);
        Assert.Equal(3, db.Scalar<int>("SELECT count(*) FROM pgperf.index_usage_snapshots"));
        Assert.Equal("t|t|t|t", db.Scalar<string>("""
            SELECT concat_ws('|', is_primary AND is_unique AND is_constraint, is_valid, server_started_at = pg_postmaster_start_time(),
                           captured_at > now() - interval '1 minute')
              FROM pgperf.index_usage_snapshots WHERE indexname = 'Mixed Case_pkey'
            """));
        Assert.True(db.Scalar<bool>("""SELECT is_constraint AND is_unique FROM pgperf.index_usage_snapshots WHERE indexname = 'Mixed Case_e_key'"""));
        Assert.True(db.Scalar<bool>("""SELECT NOT (is_constraint OR is_unique) AND tablename = 'Mixed Case' FROM pgperf.index_usage_snapshots WHERE indexname = 'Weird "Name"'"""));
        // The spec function works on its own, from SQL.
        Assert.Equal(3, db.Scalar<int>("SELECT pgperf.capture_index_usage_snapshot()"));
    }

    [Fact]
    [Trait("Category", "Version")]
    public void Verdicts_on_synthetic_histories_and_the_sql_function_agree()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE s(id int, a int, b int, c int, d int);
            INSERT INTO s SELECT g, g % 100, g % 7, g % 11, g % 13 FROM generate_series(1, 5000) g;
            CREATE TABLE t(big int);
            INSERT INTO t SELECT g FROM generate_series(1, 600000) g;
            CREATE INDEX ix_unused ON s(a); CREATE INDEX ix_reset ON s(b); CREATE INDEX ix_short ON s(c);
            CREATE INDEX ix_low ON s(d); CREATE INDEX ix_big ON t(big); CREATE UNIQUE INDEX ix_unique ON s(id);
            ANALYZE s;
            ANALYZE t;
            """);
        Scan(db, "SELECT count(*) FROM s WHERE d = 3", times: 3);
        Assert.Equal(3, IdxScan(db, "ix_low"));

        // Daily history for 35 days, shaped like the live counters, with past captured_at values.
        db.Execute("""
            INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch,
                                                      index_size_bytes, is_unique, stats_reset, server_started_at)
            SELECT now() - make_interval(days => d), 'public', 't', ix,
                   CASE WHEN ix = 'ix_low' AND d <= 29 THEN 3 WHEN ix = 'ix_reset' AND d > 20 THEN 50 ELSE 0 END,
                   0, 0, 1000, ix = 'ix_unique',
                   CASE WHEN ix = 'ix_reset' AND d > 20 THEN now() - interval '60 days'
                        ELSE (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) END,
                   pg_postmaster_start_time()
              FROM generate_series(1, 35) d,
                   unnest(ARRAY['ix_unused', 'ix_reset', 'ix_low', 'ix_big', 'ix_unique', 'ix_short']) ix
             WHERE ix <> 'ix_short' OR d <= 10;
            """);

        var rows = service.GetUnusedIndexes(new PgUnusedIndexOptions(), default).ToDictionary(r => r.Index);
        Assert.False(rows.ContainsKey("ix_unique"));                 // enforces uniqueness: left out by default
        Assert.Equal(PgIndexStatus.Unused, rows["ix_unused"].Status);
        Assert.Equal(35, rows["ix_unused"].ObservedDays, 0);
        Assert.Equal(0, rows["ix_unused"].BlindGaps);

        var reset = rows["ix_reset"];
        Assert.Equal(PgIndexStatus.Unused, reset.Status);            // judged on the lower bound across the reset
        Assert.Equal(1, reset.BlindGaps);
        Assert.Equal(1, reset.BlindDays, 1);
        Assert.Equal(34, reset.ObservedDays, 0);

        Assert.Equal(PgIndexStatus.InsufficientData, rows["ix_short"].Status);   // appeared 10 days after monitoring began
        Assert.Equal(10, rows["ix_short"].ObservedDays, 0);

        // ix_low's history says its 3 scans were 29 days ago; they really ran just now, to give the live counter 3. From
        // PostgreSQL 16 the server says so (last_idx_scan), and its word beats the history's.
        var low = rows["ix_low"];
        Assert.Equal(3, low.ScansInWindow);
        if (db.Scalar<int>("SELECT current_setting('server_version_num')::int") >= 160000)
        {
            Assert.Equal(PgIndexStatus.Active, low.Status);
            Assert.Equal(db.Scalar<DateTime>("SELECT last_idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'ix_low'"), low.LastScanAt!.Value.UtcDateTime);
            Assert.Equal(0, low.DaysSinceLastScan, 2);
        }
        else
        {
            Assert.Equal(PgIndexStatus.LowUsage, low.Status);
            Assert.Equal(29, low.DaysSinceLastScan, 1);
        }

        var big = rows["ix_big"];
        Assert.True(big.SizeBytes > IndexUsageVerdict.ConsiderDroppingBytes, $"ix_big is {big.SizeBytes} bytes");
        Assert.Equal(PgIndexStatus.ConsiderDropping, big.Status);
        Assert.StartsWith("CREATE INDEX ix_big ON public.t USING btree (big)", big.Definition);

        // pgperf.detect_unused_indexes applies the same rule in SQL: same verdicts, same day counts.
        var sql = new Dictionary<string, (string Status, double Observed, double Unused)>();
        using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT indexname, status, observed_days, days_since_last_scan FROM pgperf.detect_unused_indexes(30)", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                sql[reader.GetString(0)] = (reader.GetString(1), (double)reader.GetDecimal(2), (double)reader.GetDecimal(3));
        }
        Assert.Equal(rows.Values.Where(r => r.Status != PgIndexStatus.Active).Select(r => r.Index).OrderBy(n => n), sql.Keys.OrderBy(n => n));
        foreach (var (name, s) in sql)
        {
            Assert.Equal(rows[name].Status, s.Status);
            Assert.Equal(rows[name].ObservedDays, s.Observed, 0);
            Assert.Equal(rows[name].DaysSinceLastScan, s.Unused, 0);
        }

        // With the constraint indexes included, the unique one is judged too.
        var all = service.GetUnusedIndexes(new PgUnusedIndexOptions { IncludeConstraintIndexes = true }, default);
        Assert.Equal(PgIndexStatus.Unused, all.Single(r => r.Index == "ix_unique").Status);
    }

    [Fact]
    public void Real_scans_and_a_stats_reset_between_two_snapshots()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE orders(id int, customer int, note text);
            INSERT INTO orders SELECT g, g % 50, 'n' || g FROM generate_series(1, 2000) g;
            CREATE INDEX orders_customer ON orders(customer); CREATE INDEX orders_note ON orders(note); ANALYZE orders;
            """);
        service.CaptureSnapshot(default);
        Scan(db, "SELECT count(*) FROM orders WHERE customer = 7", times: 4);
        service.CaptureSnapshot(default);

        var options = new PgUnusedIndexOptions { IgnoreStatsAge = true };
        var rows = service.GetUnusedIndexes(options, default).ToDictionary(r => r.Index);
        Assert.Equal(PgIndexStatus.Active, rows["orders_customer"].Status);
        Assert.Equal(4, rows["orders_customer"].ScansInWindow);
        Assert.Equal(PgIndexStatus.Unused, rows["orders_note"].Status);
        Assert.Equal(0, rows["orders_note"].ScansInWindow);
        Assert.Equal(PgIndexStatus.InsufficientData, service.GetUnusedIndexes(new PgUnusedIndexOptions(), default).Single(r => r.Index == "orders_note").Status);

        var trend = service.GetTrend(null, "orders", null, 1, default).ToDictionary(t => t.Index);
        Assert.Equal(4, trend["orders_customer"].Scans);
        Assert.Equal(0, trend["orders_note"].Scans);
        Assert.Equal(2, trend["orders_customer"].Snapshots);
        Assert.Equal(DateTimeOffset.UtcNow.Date, trend["orders_customer"].Day.UtcDateTime.Date);

        // pg_stat_reset() between snapshots: the step is blind; the 2 scans after it are a lower bound.
        db.Execute("SELECT pg_stat_reset()");
        Scan(db, "SELECT count(*) FROM orders WHERE customer = 8", times: 2);
        service.CaptureSnapshot(default);
        rows = service.GetUnusedIndexes(options, default).ToDictionary(r => r.Index);
        Assert.Equal(1, rows["orders_customer"].BlindGaps);
        Assert.Equal(6, rows["orders_customer"].ScansInWindow);
        Assert.Equal(PgIndexStatus.Active, rows["orders_customer"].Status);
        Assert.Equal(1, rows["orders_note"].BlindGaps);
        Assert.Equal(PgIndexStatus.Unused, rows["orders_note"].Status);

        trend = service.GetTrend("public", "orders", "orders_customer", 7, default).ToDictionary(t => t.Index);
        Assert.Single(trend);
        Assert.Equal(6, trend["orders_customer"].Scans);
        Assert.Equal(1, trend["orders_customer"].BlindGaps);
    }

    [Fact]
    public void Unused_index_alerts_open_once_and_resolve_when_the_index_is_used()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE big(id int, v int);
            INSERT INTO big SELECT g, g FROM generate_series(1, 600000) g;
            CREATE INDEX "Big ""v"" idx" ON big(v); CREATE INDEX big_small ON big(id) WHERE id < 10; ANALYZE big;
            """);
        var options = new PgUnusedIndexOptions { IgnoreStatsAge = true };
        var first = service.CheckUnusedIndexAlerts(options, default);
        Assert.Equal(new[] { "unused_index:public.Big \"v\" idx" }, first.OpenKeys);
        service.CheckUnusedIndexAlerts(options, default);
        Assert.Equal("1|2|warning", db.Scalar<string>("""
            SELECT concat_ws('|', count(*), max(occurrences), max(severity)) FROM pgperf.performance_alerts
             WHERE alert_type = 'unused_index' AND resolved_at IS NULL
            """));
        Assert.Equal("big", db.Scalar<string>("SELECT details->>'table' FROM pgperf.performance_alerts WHERE alert_type = 'unused_index'"));
        // The size in the message reads as PostgreSQL's own pg_size_pretty shows it (one formatting rule, PgSize.Pretty).
        Assert.Equal(1, db.Scalar<int>("""
            SELECT count(*) FROM pgperf.performance_alerts
             WHERE alert_type = 'unused_index' AND message LIKE '%(' || pg_size_pretty((details->>'size_bytes')::bigint) || ')%'
            """));

        Scan(db, "SELECT count(*) FROM big WHERE v = 42");
        var after = service.CheckUnusedIndexAlerts(options, default);
        Assert.Empty(after.OpenKeys);
        Assert.Equal(1, after.Resolved);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE resolved_at IS NULL"));
    }

    [Fact]
    public void Duplicates_are_found_structurally_and_never_propose_a_constraint_or_unique_index()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute(""""
            CREATE TABLE u(id int PRIMARY KEY, email text, a int, b int, c text, "Odd Col" int);
            CREATE UNIQUE INDEX u_email_key ON u(email);
            CREATE INDEX u_email ON u(email);                          -- exact, covered by the unique one
            CREATE INDEX u_a ON u(a);                                  -- left prefix of u_a_b
            CREATE INDEX u_a_b ON u(a, b);
            CREATE INDEX u_a_desc ON u(a DESC);                        -- options differ: not a duplicate of u_a
            CREATE INDEX u_lower_1 ON u(lower(c));
            CREATE INDEX "u lower ""2""" ON u(lower(c));               -- exact expression duplicate
            CREATE INDEX u_b_part ON u(b) WHERE b > 10;
            CREATE INDEX u_b_part2 ON u(b) WHERE b > 20;               -- predicates differ
            CREATE INDEX u_c_coll ON u(c COLLATE "C");
            CREATE INDEX u_c_pos ON u(c COLLATE "POSIX");              -- collations differ
            CREATE UNIQUE INDEX u_odd ON u("Odd Col");                  -- unique prefix of u_odd_a: never proposed
            CREATE INDEX u_odd_a ON u("Odd Col", a);
            CREATE INDEX u_id ON u(id);                                 -- exact duplicate of the primary key
            """");
        var rows = service.GetDuplicates(default);
        var pairs = rows.Select(r => $"{r.Index}>{r.CoveredBy}:{r.Kind}").OrderBy(s => s).ToArray();
        Assert.Equal(new[]
        {
            "u lower \"2\">u_lower_1:Exact",
            "u_a>u_a_b:LeftPrefix",
            "u_email>u_email_key:Exact",
            "u_id>u_pkey:Exact",
        }, pairs);
        var email = rows.Single(r => r.Index == "u_email");
        Assert.False(email.IsUnique);
        Assert.True(email.CoveredByIsUnique);
        Assert.True(email.SizeBytes > 0 && email.CoveredBySizeBytes > 0);
        Assert.Equal(db.Info.Server, email.Server);
    }

    [Fact]
    public void Invalid_index_from_a_failed_unique_concurrent_build_is_listed()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("CREATE TABLE dup(v int); INSERT INTO dup VALUES (1), (1), (2);");
        var failed = Assert.ThrowsAny<PostgresException>(() => db.Execute("CREATE UNIQUE INDEX CONCURRENTLY \"Dup V\" ON dup(v)"));
        Assert.Equal("23505", failed.SqlState);
        var invalid = Assert.Single(service.GetInvalid(default));
        Assert.Equal(("public", "dup", "Dup V"), (invalid.Schema, invalid.Table, invalid.Index));
        Assert.True(invalid.IsUnique);
        Assert.Contains("CREATE UNIQUE INDEX \"Dup V\" ON public.dup", invalid.Definition);
        Assert.Empty(service.GetDuplicates(default));
    }

    [Fact]
    public void Drop_logs_the_rollback_first_and_the_rollback_recreates_the_index()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute(""""
            CREATE SCHEMA "My Schema";
            CREATE TABLE "My Schema"."T 1"(id int PRIMARY KEY, v text);
            CREATE INDEX "Weird ""Name""" ON "My Schema"."T 1"(v) WHERE v IS NOT NULL;
            """");
        var plan = service.PlanDrop("My Schema", "Weird \"Name\"", 7, default);
        Assert.Equal("SET lock_timeout = '7s'; DROP INDEX CONCURRENTLY \"My Schema\".\"Weird \"\"Name\"\"\";", plan.Sql);
        Assert.Equal("CREATE INDEX CONCURRENTLY \"Weird \"\"Name\"\"\" ON \"My Schema\".\"T 1\" USING btree (v) WHERE (v IS NOT NULL);", plan.RollbackDdl);
        Assert.Equal("T 1", plan.Table);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.index_drop_log"));   // planning changes nothing

        var result = service.Drop(plan, default);
        Assert.Equal(plan.RollbackDdl, result.RollbackDdl);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pg_class WHERE relname = 'Weird \"Name\"'"));
        Assert.Equal("dropped|" + plan.RollbackDdl, db.Scalar<string>($"SELECT status || '|' || rollback_ddl FROM pgperf.index_drop_log WHERE id = {result.LogId}"));

        db.Execute(result.RollbackDdl);
        Assert.True(db.Scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"My Schema\".\"Weird \"\"Name\"\"\"'::regclass"));
    }

    [Fact]
    public void Drop_refuses_constraint_indexes_and_unknown_names_without_building_sql_from_them()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("""
            CREATE TABLE p(id int PRIMARY KEY, code text CONSTRAINT p_code_key UNIQUE);
            CREATE TABLE c(id int, p_code text REFERENCES p(code));
            CREATE SCHEMA s2; CREATE TABLE s2.x(v int); CREATE INDEX same_name ON s2.x(v);
            CREATE TABLE public.x(v int); CREATE INDEX same_name_p ON public.x(v);
            """);
        var pk = Assert.Throws<PgPerfException>(() => service.PlanDrop(null, "p_pkey", 5, default));
        Assert.Equal("PgPerf.Index.ConstraintBacked", pk.ErrorId);
        Assert.Contains("primary key p_pkey", pk.Message);
        var uq = Assert.Throws<PgPerfException>(() => service.PlanDrop("public", "p_code_key", 5, default));
        Assert.Equal("PgPerf.Index.ConstraintBacked", uq.ErrorId);
        Assert.Contains("foreign key", uq.Message);

        var missing = Assert.Throws<PgPerfException>(() => service.PlanDrop("public", "x'; DROP TABLE p; --", 5, default));
        Assert.Equal("PgPerf.Index.NotFound", missing.ErrorId);
        Assert.Equal("Index", missing.ParameterName);
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pg_class WHERE relname = 'p'"));
        Assert.Equal("PgPerf.Index.NotFound", Assert.Throws<PgPerfException>(() => service.PlanDrop("public", "SAME_NAME_P", 5, default)).ErrorId);
        Assert.Equal("PgPerf.Index.NotFound", Assert.Throws<PgPerfException>(() => service.PlanDrop("public", "same_name", 5, default)).ErrorId);

        var trendMissing = Assert.Throws<PgPerfException>(() => service.GetTrend(null, "no such \"table\"", null, 7, default));
        Assert.Equal("PgPerf.Index.TableNotFound", trendMissing.ErrorId);
        Assert.Equal("Table", trendMissing.ParameterName);
        db.Execute("CREATE TABLE s2.p(v int)");
        Assert.Equal("PgPerf.Index.AmbiguousTable", Assert.Throws<PgPerfException>(() => service.GetTrend(null, "p", null, 7, default)).ErrorId);
        Assert.Equal("Days", Assert.Throws<PgPerfException>(() => service.GetTrend(null, "p", null, 0, default)).ParameterName);
        Assert.Equal("MinDaysUnused", Assert.Throws<PgPerfException>(() => service.GetUnusedIndexes(new PgUnusedIndexOptions { MinDaysUnused = -1 }, default)).ParameterName);
    }

    [Fact]
    public void Drop_gives_up_on_lock_timeout_and_marks_the_log_row_failed()
    {
        var (db, service) = NewDatabase();
        using var _ = db;
        db.Execute("CREATE TABLE busy(v int); CREATE INDEX busy_v ON busy(v);");
        using var holder = new NpgsqlConnection(db.ConnectionString);
        holder.Open();
        using var tx = holder.BeginTransaction();
        // The mode a VACUUM or another concurrent index build holds: reads and writes go on, DROP INDEX CONCURRENTLY must wait.
        using (var c = new NpgsqlCommand("LOCK TABLE busy IN SHARE UPDATE EXCLUSIVE MODE", holder, tx)) c.ExecuteNonQuery();

        var plan = service.PlanDrop("public", "busy_v", 1, default);
        var ex = Assert.Throws<PgPerfException>(() => service.Drop(plan, default));
        Assert.Equal("PgPerf.LockNotAvailable", ex.ErrorId);
        tx.Rollback();
        Assert.Equal("failed", db.Scalar<string>("SELECT status FROM pgperf.index_drop_log"));
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pg_class WHERE relname = 'busy_v'"));
    }
}
