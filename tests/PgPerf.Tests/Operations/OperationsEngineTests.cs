using Npgsql;
using PgPerf.Engine;
using PgPerf.Engine.Operations;
using Xunit;

namespace PgPerf.Tests.Operations;

public class AlertServiceTests
{
    [Fact]
    public void Filters_by_type_severity_open_and_since_newest_first()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var alerts = engine.Get<IAlertService>(db.Info);

        var old = alerts.Raise("table_bloat", PgAlertSeverity.Critical, "public.orders", "48 % bloat", new Dictionary<string, object?> { ["bloat_ratio"] = 48.5, ["dead"] = 1200L }, null, default);
        db.Execute($"UPDATE pgperf.performance_alerts SET first_seen_at = now() - interval '3 days', last_seen_at = now() - interval '3 days' WHERE id = {old}");
        var slow = alerts.Raise("slow_query", PgAlertSeverity.Warning, "q1", "slow", null, null, default);
        alerts.Raise("slow_query", PgAlertSeverity.Warning, "q1", "slow again", null, null, default);
        var info = alerts.Raise("slow_query", PgAlertSeverity.Info, "q2", "meh", null, "custom-key", default);

        var all = alerts.Get(new PgAlertFilter(), default);
        Assert.Equal(new[] { info, slow, old }, all.Select(a => a.Id));
        var q1 = all.Single(a => a.Id == slow);
        Assert.Equal(2, q1.Occurrences);
        Assert.Equal("slow again", q1.Message);
        Assert.Equal("slow_query:q1", q1.DedupKey);
        Assert.Equal(PgAlertSeverity.Warning, q1.Severity);
        Assert.True(q1.IsOpen);
        Assert.Equal(db.Info.Server, q1.Server);
        var bloat = all.Single(a => a.Id == old);
        Assert.Equal(48.5, bloat.Details["bloat_ratio"]);
        Assert.Equal(1200L, bloat.Details["DEAD"]);
        Assert.Equal(TimeSpan.Zero, bloat.LastSeenAt.Offset);

        Assert.Equal(new[] { info, slow }, alerts.Get(new PgAlertFilter { Types = new[] { "slow_query" } }, default).Select(a => a.Id));
        Assert.Equal(new[] { old }, alerts.Get(new PgAlertFilter { Severities = new[] { PgAlertSeverity.Critical } }, default).Select(a => a.Id));
        Assert.Equal(new[] { info, slow }, alerts.Get(new PgAlertFilter { Since = DateTimeOffset.UtcNow.AddDays(-1) }, default).Select(a => a.Id));
        Assert.Equal(new[] { info }, alerts.Get(new PgAlertFilter { Top = 1 }, default).Select(a => a.Id));
        Assert.Equal(new[] { slow }, alerts.Get(new PgAlertFilter { Ids = new[] { slow } }, default).Select(a => a.Id));

        var resolved = alerts.Resolve(slow, "oncall", default);
        Assert.False(resolved.IsOpen);
        Assert.Equal("oncall", resolved.ResolvedBy);
        var again = alerts.Resolve(slow, "someone-else", default);
        Assert.Equal("oncall", again.ResolvedBy);
        Assert.Equal(resolved.ResolvedAt, again.ResolvedAt);
        Assert.Equal(new[] { info, old }, alerts.Get(new PgAlertFilter { OpenOnly = true }, default).Select(a => a.Id));

        var missing = Assert.Throws<PgPerfException>(() => alerts.Resolve(999_999, "x", default));
        Assert.Equal("PgPerf.Alert.NotFound", missing.ErrorId);
        Assert.Contains("999999", missing.Message);
    }
}

public class RetentionServiceTests
{
    private static void Seed(TestDatabase db)
    {
        db.Execute("""
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
                SELECT now() - interval '31 days', 'old', 1 FROM generate_series(1, 2500)
                UNION ALL SELECT now() - interval '29 days', 'new', 1 FROM generate_series(1, 40);
            INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes)
                SELECT now() - (d || ' days')::interval, 'public', 't', 'i', 0, 0, 0, 8192 FROM unnest(ARRAY[85, 86, 87, 88, 89, 91, 92, 93, 94, 95]) d;
            INSERT INTO pgperf.table_bloat_snapshots (captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio)
                VALUES (now() - interval '91 days', 'public', 't', 1, 0, 0), (now() - interval '1 day', 'public', 't', 1, 0, 0);
            INSERT INTO pgperf.performance_alerts (alert_type, severity, subject, message, dedup_key, first_seen_at, last_seen_at, resolved_at)
                VALUES ('x', 'info', 'resolved-old', 'm', 'k1', now() - interval '400 days', now() - interval '400 days', now() - interval '200 days'),
                       ('x', 'info', 'resolved-new', 'm', 'k2', now() - interval '400 days', now() - interval '400 days', now() - interval '10 days'),
                       ('x', 'info', 'open-old', 'm', 'k3', now() - interval '400 days', now() - interval '400 days', NULL);
            -- a repository's stored health (migrations 030, 033: day partitions): one row 91 days old and one from yesterday in each
            SELECT pgperf.ensure_snapshot_partitions(t, ARRAY[((now() - interval '91 days') AT TIME ZONE 'UTC')::date, ((now() - interval '1 day') AT TIME ZONE 'UTC')::date])
              FROM unnest(ARRAY['health_check_history', 'index_bloat_snapshots']) t;
            INSERT INTO pgperf.health_check_history (server_id, captured_at, check_name, status, unit, threshold, detail, finding_count)
                SELECT 0, now() - (d || ' days')::interval, 'vacuum', 'Ok', 'factor', '', '', 0 FROM unnest(ARRAY[91, 1]) d;
            INSERT INTO pgperf.index_bloat_snapshots (server_id, captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes,
                    bloat_percent, expected_bytes, status, method, confidence, entry_bytes, fill_factor, is_unique)
                SELECT 0, now() - (d || ' days')::interval, 'public', 't', 'i', 8192, 0, 0, 8192, 'Ok', 'Estimate', 'Low', 16, 90, true FROM unnest(ARRAY[91, 1]) d;
            """);
    }

    [Fact]
    public void Deletes_only_rows_past_retention_in_batches_and_flags_vacuum()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        Seed(db);
        var retention = engine.Get<IRetentionService>(db.Info);

        var plan = retention.Plan(new PgRetentionOptions(), default);
        // Tables: query log, index snapshots, bloat snapshots, statement history (none seeded), alerts, health checks, index bloat.
        Assert.Equal(new long?[] { 2500, 5, 1, 0, 1, 1, 1 }, plan.Select(p => p.RowsToDelete));
        Assert.Equal(new[] { 30, 90, 90, 90, 180, 90, 90 }, plan.Select(p => p.KeepDays));

        var result = retention.Run(new PgRetentionOptions { BatchSize = 1000 }, default);
        var log = result.Tables.Single(t => t.Table == "pgperf.query_performance_logs");
        Assert.Equal(2500, log.RowsDeleted);
        Assert.Equal(3, log.Batches);
        Assert.True(log.VacuumDue);
        Assert.True(log.DeadTuples >= 2500);
        Assert.Contains("VACUUM (ANALYZE) pgperf.query_performance_logs", Assert.Single(result.Warnings));
        Assert.Equal(2500 + 5 + 1 + 1 + 1 + 1, result.TotalRowsDeleted);
        // whole days dropped, yesterday kept
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.health_check_history"));
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.index_bloat_snapshots"));

        Assert.Equal(40, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'old'"));
        Assert.Equal(5, db.Scalar<int>("SELECT count(*) FROM pgperf.index_usage_snapshots"));
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.table_bloat_snapshots"));
        Assert.Equal("open-old,resolved-new", db.Scalar<string>("SELECT string_agg(subject, ',' ORDER BY subject) FROM pgperf.performance_alerts"));

        // Nothing left to delete: one batch per table, no rows (the statement history only drops whole days: none; the
        // snapshot tables also look in their default partition once).
        var again = retention.Run(new PgRetentionOptions { BatchSize = 1000 }, default);
        Assert.Equal(0, again.TotalRowsDeleted);
        var wholeDays = new[] { "pgperf.statement_history" };
        Assert.All(again.Tables, t => Assert.Equal(wholeDays.Contains(t.Table) ? 0 : 1, t.Batches));
    }

    [Fact]
    public void Purges_a_partitioned_log_leaf_by_leaf()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        // The shape issue 9 moves to: ctid repeats across partitions, so a table-wide ctid delete would be wrong.
        db.Execute("""
            ALTER TABLE pgperf.query_performance_logs RENAME TO query_performance_logs_plain;
            CREATE TABLE pgperf.query_performance_logs (LIKE pgperf.query_performance_logs_plain INCLUDING DEFAULTS) PARTITION BY RANGE (logged_at);
            ALTER TABLE pgperf.query_performance_logs ALTER COLUMN id SET DEFAULT 0;
            CREATE TABLE pgperf.qpl_old PARTITION OF pgperf.query_performance_logs FOR VALUES FROM ('2000-01-01') TO ((now() - interval '30 days')::date);
            CREATE TABLE pgperf.qpl_new PARTITION OF pgperf.query_performance_logs FOR VALUES FROM ((now() - interval '30 days')::date) TO ('2100-01-01');
            INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
                SELECT now() - interval '40 days', 'old', 1 FROM generate_series(1, 300)
                UNION ALL SELECT now() - interval '1 day', 'new', 1 FROM generate_series(1, 300);
            """);
        var result = engine.Get<IRetentionService>(db.Info).Run(new PgRetentionOptions { BatchSize = 100 }, default);
        Assert.Equal(300, result.Tables[0].RowsDeleted);
        Assert.Equal(300, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'new'"));
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.qpl_old"));
    }

    [Theory]
    [InlineData(0, 90, 180, 5000, "QueryLogDays")]
    [InlineData(30, -1, 180, 5000, "SnapshotDays")]
    [InlineData(30, 90, 40000, 5000, "AlertDays")]
    [InlineData(30, 90, 180, 0, "BatchSize")]
    public void Refuses_out_of_range_settings(int logs, int snapshots, int alerts, int batch, string parameter)
    {
        var ex = Assert.Throws<PgPerfException>(() => new PgRetentionOptions { QueryLogDays = logs, SnapshotDays = snapshots, AlertDays = alerts, BatchSize = batch }.Validate());
        Assert.Equal("PgPerf.Retention.InvalidArgument", ex.ErrorId);
        Assert.Equal(parameter, ex.ParameterName);
        Assert.Contains("-" + parameter, ex.Message);
    }
}

public class JobRunnerTests
{
    private static (TestDatabase Db, PgServerContext Context) Setup()
    {
        var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);
        return (db, new PgServerContext(db.Info));
    }

    [Fact]
    public void Every_step_runs_when_one_fails_and_the_failure_raises_then_resolves_an_alert()
    {
        var (db, context) = Setup();
        using var _ = db;
        var ran = new List<string>();
        var failing = true;
        var steps = new JobStepDefinition[]
        {
            new("first", s => { ran.Add("first"); return 3; }),
            new("broken", s =>
            {
                ran.Add("broken");
                if (failing) s.Server.Run(async c => { await using var cmd = new NpgsqlCommand("SELECT 1 / 0", c); return await cmd.ExecuteScalarAsync(); }, s.Cancellation);
                return 1;
            }),
            new("last", s => { ran.Add("last"); s.Warn("look at this"); s.Message = "note"; return 7; }),
        };

        var result = new JobRunner(context).Run(PgJobKind.Hourly, steps, new PgJobOptions(), default);
        Assert.Equal(new[] { "first", "broken", "last" }, ran);
        Assert.False(result.Succeeded);
        Assert.Equal(new[] { "first", "broken", "last", "job failure alerts" }, result.Steps.Select(s => s.Name));
        Assert.Equal(new[] { PgJobStepStatus.Succeeded, PgJobStepStatus.Failed, PgJobStepStatus.Succeeded, PgJobStepStatus.Succeeded }, result.Steps.Select(s => s.Status));
        Assert.Equal(new long[] { 3, 0, 7, 1 }, result.Steps.Select(s => s.Count));
        var broken = result.Steps[1];
        Assert.Contains("division by zero", broken.Error);
        Assert.Equal("PgPerf.Database.Error", broken.ErrorId);
        Assert.Equal("note", result.Steps[2].Message);
        Assert.Equal(new[] { "look at this" }, result.Warnings);
        Assert.True(result.FinishedAt >= result.StartedAt);
        Assert.All(result.Steps, s => Assert.True(s.DurationMs >= 0));

        Assert.Equal("job_failure:hourly:broken", db.Scalar<string>("SELECT dedup_key FROM pgperf.performance_alerts WHERE resolved_at IS NULL"));
        Assert.Equal("broken", db.Scalar<string>("SELECT details->>'step' FROM pgperf.performance_alerts"));
        // Another job's open failure is not touched by this job.
        db.Execute("SELECT pgperf.create_performance_alert('job_failure', 'warning', 'daily job: retention', 'm', '{}', 'job_failure:daily:retention')");

        new JobRunner(context).Run(PgJobKind.Hourly, steps, new PgJobOptions(), default);
        Assert.Equal(2, db.Scalar<int>("SELECT occurrences FROM pgperf.performance_alerts WHERE dedup_key = 'job_failure:hourly:broken'"));

        failing = false;
        var fixedRun = new JobRunner(context).Run(PgJobKind.Hourly, steps, new PgJobOptions(), default);
        Assert.True(fixedRun.Succeeded);
        Assert.Equal("0 raised, 1 resolved", fixedRun.Steps[^1].Message);
        Assert.Equal("job_failure:daily:retention", db.Scalar<string>("SELECT string_agg(dedup_key, ',') FROM pgperf.performance_alerts WHERE resolved_at IS NULL"));
    }

    [Fact]
    public void A_second_run_while_the_lock_is_held_is_skipped_and_runs_no_step()
    {
        var (db, context) = Setup();
        using var _ = db;
        using var holder = new NpgsqlConnection(db.ConnectionString);
        holder.Open();
        using (var cmd = new NpgsqlCommand($"SELECT pg_advisory_lock({JobRunner.LockKey(PgJobKind.Daily)})", holder)) cmd.ExecuteScalar();

        var ran = 0;
        var steps = new JobStepDefinition[] { new("work", s => ++ran) };
        var skipped = new JobRunner(context).Run(PgJobKind.Daily, steps, new PgJobOptions(), default);
        var step = Assert.Single(skipped.Steps);
        Assert.Equal(PgJobStepStatus.Skipped, step.Status);
        Assert.Equal("another run holds the lock", step.Message);
        Assert.True(skipped.Succeeded);
        Assert.Equal(0, ran);

        // The hourly job has its own lock and runs.
        Assert.Equal(PgJobStepStatus.Succeeded, new JobRunner(context).Run(PgJobKind.Hourly, steps, new PgJobOptions(), default).Steps[0].Status);
        using (var cmd = new NpgsqlCommand($"SELECT pg_advisory_unlock({JobRunner.LockKey(PgJobKind.Daily)})", holder)) cmd.ExecuteScalar();
        Assert.Equal(PgJobStepStatus.Succeeded, new JobRunner(context).Run(PgJobKind.Daily, steps, new PgJobOptions(), default).Steps[0].Status);
        Assert.Equal(2, ran);
        // The lock is released after a run.
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()"));
    }

    [Fact]
    public void The_daily_job_runs_retention_through_the_service()
    {
        var (db, _) = Setup();
        using var __ = db;
        db.Execute("INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) SELECT now() - interval '10 days', 'x', 1 FROM generate_series(1, 50)");
        var result = TestDatabase.NewEngine().Get<IJobService>(db.Info).Run(PgJobKind.Daily,
            new PgJobOptions { Retention = new PgRetentionOptions { QueryLogDays = 7 } }, default);
        Assert.True(result.Succeeded);
        var retention = result.Steps.Single(s => s.Name == "retention");
        Assert.Equal(50, retention.Count);
        Assert.Contains("pgperf.query_performance_logs 50", retention.Message);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));
    }
}
