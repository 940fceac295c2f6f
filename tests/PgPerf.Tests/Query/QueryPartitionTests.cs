using PgPerf.Engine;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests.Query;

public sealed class QueryPartitionTests
{
    private const string Fingerprint =
        "SELECT count(*) || '|' || sum(id) || '|' || md5(string_agg(id || ',' || logged_at || ',' || query_text || ',' || duration_ms || ',' || coalesce(query_hash, '-') || ',' || is_error, ';' ORDER BY id)) FROM pgperf.query_performance_logs";

    [Fact]
    public void Migration_on_a_populated_table_keeps_every_row_id_and_the_identity()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(new[] { 1, 2, 3, 4, 5 }, default);
        // 40 days of rows, plus clocks far off (1990, 2100) that must survive in the default partition.
        db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, is_error)
            SELECT now() - (g % 40) * interval '1 day' - (g % 24) * interval '1 hour', 'q' || (g % 7), 'h' || (g % 7), g % 900, g % 50 = 0
              FROM generate_series(1, 20000) g;
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES ('1990-05-01', 'ancient', 1), ('2100-01-01', 'future', 2);
            DELETE FROM pgperf.query_performance_logs WHERE id % 1000 = 0;
            """);
        var before = db.Scalar<string>(Fingerprint);
        var maxId = db.Scalar<long>("SELECT max(id) FROM pgperf.query_performance_logs");

        // Up to 011 (partitioning is 007) every row comes through unchanged; 013 then recomputes the stored hashes.
        engine.Get<ISchemaService>(db.Info).Install(Enumerable.Range(6, 6).ToArray(), default);
        Assert.Equal(before, db.Scalar<string>(Fingerprint));
        // Every hour with rows is marked for the rollups (013's hash upgrade then rebuilds them).
        Assert.Equal(db.Scalar<long>("SELECT count(DISTINCT date_trunc('hour', logged_at, 'UTC')) FROM pgperf.query_performance_logs"),
            db.Scalar<long>("SELECT count(*) FROM pgperf.query_log_dirty_hours"));
        engine.Get<ISchemaService>(db.Info).Install(null, default);

        Assert.Equal("p", db.Scalar<string>("SELECT relkind::text FROM pg_class WHERE oid = 'pgperf.query_performance_logs'::regclass"));
        // Every day of the 40 has its partition, plus today and the week ahead; the far-off rows sit in the default partition.
        Assert.True(db.Scalar<int>("SELECT count(*) FROM pgperf.query_log_partitions()") >= 47);
        Assert.Equal("ancient,future", db.Scalar<string>("SELECT string_agg(query_text, ',' ORDER BY logged_at) FROM pgperf.query_performance_logs_default"));
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pg_class WHERE relname LIKE 'query_performance_logs_unpartitioned%'"));
        // The key, the slow-row index and the duration check are on every partition.
        Assert.Equal(0, db.Scalar<int>("""
            SELECT count(*) FROM pgperf.query_log_partitions() p
             WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = format('pgperf.%I', p.partition_name)::regclass AND i.indisprimary)
                OR (SELECT count(*) FROM pg_index i WHERE i.indrelid = format('pgperf.%I', p.partition_name)::regclass AND i.indpred IS NOT NULL) <> 1
            """));
        Assert.Throws<Npgsql.PostgresException>(() => db.Execute("INSERT INTO pgperf.query_performance_logs (query_text, duration_ms) VALUES ('x', -1)"));

        // New rows continue the identity after the old ids, and get_slow_queries still answers.
        db.Execute("INSERT INTO pgperf.query_performance_logs (query_text, duration_ms) VALUES ('after', 900)");
        Assert.True(db.Scalar<long>("SELECT id FROM pgperf.query_performance_logs WHERE query_text = 'after'") > maxId);
        Assert.Equal("after", db.Scalar<string>("SELECT query_text FROM pgperf.get_slow_queries(1, 500)"));
    }

    [Fact]
    public void Rows_for_any_day_land_and_days_near_today_get_their_own_partition()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var service = engine.Get<IQueryLogService>(db.Info);
        var now = DateTimeOffset.UtcNow;
        var at = new[] { now.AddDays(-100), now.AddDays(-1), now, now.AddDays(20), new DateTimeOffset(1950, 3, 1, 12, 0, 0, TimeSpan.Zero), now.AddYears(5) };
        var rows = at.Select((t, i) => QueryLogRules.Create($"q{i}", i, t, null, null, null, ParameterMode.Keep, false, new List<string>())).ToList();
        var result = service.Send(rows, new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 }, default);
        Assert.Equal(6, result.Written);
        Assert.Equal(6, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));
        string PartitionOf(int i) => db.Scalar<string>($"SELECT tableoid::regclass::text FROM pgperf.query_performance_logs WHERE query_text = 'q{i}'")!;
        for (var i = 0; i < 4; i++)
            Assert.Equal($"pgperf.query_performance_logs_p{at[i].UtcDateTime:yyyyMMdd}", PartitionOf(i));
        Assert.Equal("pgperf.query_performance_logs_default", PartitionOf(4));
        Assert.Equal("pgperf.query_performance_logs_default", PartitionOf(5));

        // A psql insert for a day without a partition lands in the default partition; the hourly step moves it in.
        var day = DateTime.UtcNow.Date.AddDays(-3);
        db.Execute($"DROP TABLE IF EXISTS pgperf.query_performance_logs_p{day:yyyyMMdd}");
        db.Execute($"INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES ('{day:yyyy-MM-dd} 10:00+00', 'late', 1)");
        Assert.Equal("pgperf.query_performance_logs_default", db.Scalar<string>("SELECT tableoid::regclass::text FROM pgperf.query_performance_logs WHERE query_text = 'late'"));
        var created = new QueryPartitions(new PgServerContext(db.Info)).CreateAhead(default);
        Assert.True(created >= 1);
        Assert.Equal($"pgperf.query_performance_logs_p{day:yyyyMMdd}", db.Scalar<string>("SELECT tableoid::regclass::text FROM pgperf.query_performance_logs WHERE query_text = 'late'"));
        Assert.Equal(1, db.Scalar<int>($"SELECT count(*) FROM pgperf.query_log_partitions() WHERE day = '{DateTime.UtcNow.Date.AddDays(QueryPartitions.AheadDays):yyyy-MM-dd}'"));
        Assert.Equal(0, new QueryPartitions(new PgServerContext(db.Info)).CreateAhead(default));
    }

    [Fact]
    public void Retention_drops_whole_old_days_keeps_recent_rows_and_leaves_no_dead_rows()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var service = engine.Get<IQueryLogService>(db.Info);
        var now = DateTimeOffset.UtcNow;
        var rows = new List<PgQueryLogEntry>();
        foreach (var (daysAgo, n) in new[] { (45, 300), (35, 200), (29, 50), (2, 100) })
            for (var i = 0; i < n; i++)
                rows.Add(QueryLogRules.Create($"d{daysAgo}", 1 + i, now.AddDays(-daysAgo).AddMinutes(-i), null, null, null, ParameterMode.Keep, false, new List<string>()));
        service.Send(rows, new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 }, default);
        new QueryRollups(new PgServerContext(db.Info)).Refresh(default);
        Assert.True(db.Scalar<int>("SELECT count(*) FROM pgperf.query_log_daily") >= 4);

        var retention = engine.Get<IRetentionService>(db.Info);
        var plan = retention.Plan(new PgRetentionOptions(), default).Single(t => t.Table == "pgperf.query_performance_logs");
        Assert.Equal(500, plan.RowsToDelete);
        Assert.Equal(TimeSpan.Zero, plan.Cutoff.UtcDateTime.TimeOfDay);

        var log = retention.Run(new PgRetentionOptions(), default).Tables.Single(t => t.Table == "pgperf.query_performance_logs");
        Assert.Equal(500, log.RowsDeleted);
        Assert.False(log.VacuumDue);
        Assert.Equal("d2,d29", db.Scalar<string>("SELECT string_agg(DISTINCT query_text, ',') FROM pgperf.query_performance_logs"));
        Assert.Equal(150, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));
        Assert.Equal(0, db.Scalar<int>($"SELECT count(*) FROM pgperf.query_log_partitions() WHERE day <= '{now.AddDays(-35).UtcDateTime:yyyy-MM-dd}'"));
        Assert.Equal(0, db.Scalar<long>("SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = 'pgperf' AND relname LIKE 'query_performance_logs%'"));
        // Blocks that held dropped days went whole; reads over the kept days use smaller blocks and count every kept row.
        Assert.Equal(0, db.Scalar<long>($"SELECT count(*) FROM pgperf.query_log_blocks WHERE start < '{plan.Cutoff.UtcDateTime:yyyy-MM-dd}'"));
        Assert.Equal(0, db.Scalar<long>(QueryRollupTests.InconsistentBlocks));
        var kept = service.GetQueryStats(new QueryStatOptions { Start = now.AddDays(-60), End = now, GroupBy = QueryStatGroupBy.Query }, default);
        Assert.Equal("d2:100,d29:50", string.Join(",", kept.OrderBy(k => k.QueryText).Select(k => $"{k.QueryText}:{k.TotalQueries}")));
        // The rollups of the dropped days went with them.
        Assert.Equal(0, db.Scalar<int>($"SELECT count(*) FROM pgperf.query_log_daily WHERE day < '{plan.Cutoff.UtcDateTime:yyyy-MM-dd}'"));

        // Rows written after the drop for a dropped day still land (the writer's day cache was cleared).
        var late = QueryLogRules.Create("late", 1, now.AddDays(-45), null, null, null, ParameterMode.Keep, false, new List<string>());
        Assert.Equal(1, service.Send(new[] { late }, new QuerySendOptions { SpoolDirectory = Path.GetTempPath(), AlertThresholdMs = 0 }, default).Written);
    }
}
