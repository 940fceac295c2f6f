using System.Text.RegularExpressions;
using Npgsql;
using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests.Query;

/// <summary>
/// Issue 20, item 1: one absurd duration (1e300 ms) made avg() overflow in every hourly job. The table now refuses
/// durations over 24 hours, and a database that already holds such a row still upgrades and runs its jobs.
/// </summary>
public sealed class QueryDurationLimitTests
{
    private const string InsertRecentRows = """
        INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms)
        SELECT now() - g * interval '1 minute', 'orders.search', 'h1', 20 + g FROM generate_series(1, 30) g;
        """;

    [Fact]
    public void A_database_that_already_holds_an_absurd_duration_upgrades_and_its_hourly_job_succeeds()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(Enumerable.Range(1, 11).ToArray(), default);
        // On PostgreSQL 13 the log's rollup trigger (008) calls date_bin, whose stand-in arrives with 012, the migration
        // under test: for the rows to be logged at version 11 there, 012's own stand-in is lent for the inserts.
        var pg13 = db.Scalar<int>("SELECT current_setting('server_version_num')::int") < 140000;
        if (pg13)
            db.Execute(DateBinStandIn());
        db.Execute(InsertRecentRows);
        // What Send-PgQueryLog -DurationMs 1e300 stored before the limit (and a psql insert could still store).
        db.Execute("INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms) VALUES (now() - interval '5 minutes', 'absurd', 'h2', 1e300)");
        if (pg13)
            db.Execute("DROP FUNCTION pgperf.date_bin(interval, timestamptz, timestamptz)");

        engine.Get<ISchemaService>(db.Info).Install(null, default);

        // The stored value is lowered to the limit, in the log and in its copy of slow rows.
        Assert.Equal(QueryLogRules.MaxDurationMs, db.Scalar<double>("SELECT duration_ms FROM pgperf.query_performance_logs WHERE query_text = 'absurd'"));
        Assert.Equal(QueryLogRules.MaxDurationMs, db.Scalar<double>("SELECT duration_ms FROM pgperf.query_log_slow WHERE query_text = 'absurd'"));
        Assert.Equal(31, db.Scalar<int>("SELECT count(*) FROM pgperf.query_performance_logs"));

        var result = TestDatabase.NewEngine().Get<IJobService>(db.Info).Run(PgJobKind.Hourly, new PgJobOptions(), default);
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Where(s => s.Status == PgJobStepStatus.Failed).Select(s => $"{s.Name}: {s.Error}")));
        var check = result.Steps.Single(s => s.Name == "query performance");
        Assert.Equal(PgJobStepStatus.Succeeded, check.Status);
        Assert.Equal(31, check.Count);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'job_failure'"));
    }

    /// <summary>The DO block at the top of migration 012 that creates pgperf.date_bin on PostgreSQL 13.</summary>
    private static string DateBinStandIn()
    {
        var block = Regex.Match(SqlResources.Get("012_first_use_fixes.sql"), @"^DO \$\$\nBEGIN\n    IF current_setting\('server_version_num'\).*?^\$\$;",
            RegexOptions.Multiline | RegexOptions.Singleline).Value;
        Assert.Contains("CREATE FUNCTION pgperf.date_bin(", block);
        return block;
    }

    [Fact]
    public void Writers_that_bypass_the_module_cannot_store_a_duration_over_24_hours_in_any_partition()
    {
        using var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);
        db.Execute(InsertRecentRows);
        // A day whose partition is created after the migration, and a day far off that lands in the default partition.
        db.Execute("SELECT pgperf.ensure_query_log_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date + 20])");

        foreach (var at in new[] { "now()", "now() + interval '20 days'", "'1990-01-01'" })
        {
            var ex = Assert.Throws<PostgresException>(() => db.Execute(
                $"INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES ({at}, 'absurd', 1e300)"));
            Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
            Assert.Equal("query_performance_logs_duration_max", ex.ConstraintName);
        }
        db.Execute("INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES (now(), 'a whole day', 86400000)");

        var result = TestDatabase.NewEngine().Get<IJobService>(db.Info).Run(PgJobKind.Hourly, new PgJobOptions(), default);
        Assert.True(result.Succeeded, string.Join("; ", result.Steps.Where(s => s.Status == PgJobStepStatus.Failed).Select(s => $"{s.Name}: {s.Error}")));
    }
}
