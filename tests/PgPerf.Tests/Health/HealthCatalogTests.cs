using Npgsql;
using Xunit;

namespace PgPerf.Tests.Health;

public class SequenceRiskTests
{
    private const long IntMax = 2147483647;

    [Fact]
    public void Sequences_are_judged_against_the_column_type_they_feed()
    {
        using var db = new TestDatabase();
        db.Execute($"""
            CREATE TABLE by_serial (id serial PRIMARY KEY);
            CREATE TABLE by_identity (id int GENERATED ALWAYS AS IDENTITY);
            CREATE SEQUENCE wide AS bigint;
            CREATE TABLE by_default (id int DEFAULT nextval('wide'));
            CREATE TABLE by_bigserial (id bigserial);
            CREATE SEQUENCE countdown INCREMENT -1 MINVALUE -100 MAXVALUE -1;
            CREATE SEQUENCE wheel MAXVALUE 100 CYCLE;
            CREATE TABLE by_wheel (id int DEFAULT nextval('wheel'));
            CREATE SEQUENCE untouched;
            SELECT setval('by_serial_id_seq', {(long)(IntMax * 0.80)});
            SELECT setval(pg_get_serial_sequence('by_identity', 'id'), {(long)(IntMax * 0.95)});
            SELECT setval('wide', 2000000000);
            SELECT setval('by_bigserial_id_seq', 2000000000);
            SELECT setval('countdown', -96);
            SELECT setval('wheel', 99);
            """);
        var engine = TestDatabase.NewEngine();
        var rows = engine.Get<IHealthService>(db.Info).GetSequenceRisk(new PgSequenceRiskOptions(), default).ToDictionary(r => r.Sequence);

        var serial = rows["by_serial_id_seq"];
        Assert.Equal(("public", "by_serial", "id", "integer", "Serial"), (serial.TableSchema, serial.Table, serial.Column, serial.ColumnType, serial.Usage));
        Assert.Equal((long)(IntMax * 0.80), serial.LastValue);
        Assert.Equal(IntMax, serial.EffectiveLimit);
        Assert.Equal(100.0 * ((long)(IntMax * 0.80) - 1) / (IntMax - 1), serial.PercentUsed!.Value, 6);
        Assert.Equal(PgHealthStatus.Warning, serial.Status);
        Assert.Equal(IntMax - (long)(IntMax * 0.80), serial.ValuesLeft);

        var identity = rows["by_identity_id_seq"];
        Assert.Equal(("Identity", "integer"), (identity.Usage, identity.ColumnType));
        Assert.Equal(PgHealthStatus.Critical, identity.Status);

        // A bigint sequence feeding an integer column: 93 % of the column's range, 0.00002 % of its own.
        var wide = rows["wide"];
        Assert.Equal(("by_default", "id", "integer", "Default", "bigint"), (wide.Table, wide.Column, wide.ColumnType, wide.Usage, wide.DataType));
        Assert.Equal(long.MaxValue, wide.MaxValue);
        Assert.Equal(IntMax, wide.EffectiveLimit);
        Assert.Equal(100.0 * (2000000000 - 1) / (IntMax - 1), wide.PercentUsed!.Value, 6);
        Assert.Equal(PgHealthStatus.Critical, wide.Status);
        Assert.Contains("ColumnLimit", wide.Flags);
        // The same value in a bigint column is nothing.
        var bigserial = rows["by_bigserial_id_seq"];
        Assert.Equal(PgHealthStatus.Ok, bigserial.Status);
        Assert.True(bigserial.PercentUsed < 0.001);

        var countdown = rows["countdown"];
        Assert.Equal(95.0 * 100 / 99, countdown.PercentUsed!.Value, 6);
        Assert.Equal(PgHealthStatus.Critical, countdown.Status);
        Assert.Equal(("None", (string?)null), (countdown.Usage, countdown.Table));

        var wheel = rows["wheel"];
        Assert.Equal(PgHealthStatus.Ok, wheel.Status);          // wraps at 100, long before the column overflows
        Assert.Contains("Cycles", wheel.Flags);

        var untouched = rows["untouched"];
        Assert.Null(untouched.LastValue);
        Assert.Equal(0, untouched.PercentUsed);
        Assert.Equal(PgHealthStatus.Ok, untouched.Status);

        // At risk first, most used first (the cycling sequence at 99 % is Ok); thresholds are parameters.
        Assert.Equal(new[] { "countdown", "by_identity_id_seq", "wide", "by_serial_id_seq", "wheel" },
            engine.Get<IHealthService>(db.Info).GetSequenceRisk(new PgSequenceRiskOptions(), default).Take(5).Select(r => r.Sequence));
        var strict = engine.Get<IHealthService>(db.Info).GetSequenceRisk(new PgSequenceRiskOptions { WarningPercent = 50, CriticalPercent = 79 }, default).ToDictionary(r => r.Sequence);
        Assert.Equal(PgHealthStatus.Critical, strict["by_serial_id_seq"].Status);

        // The sequences check: worst first, one finding per sequence at risk.
        var check = engine.Get<IHealthCheckService>(db.Info).Run(PgHealthChecks.All.Single(c => c.Name == "sequences"), new Dictionary<string, double>(), default);
        Assert.Equal(PgHealthStatus.Critical, check.Status);
        Assert.Equal("public.countdown", check.Target);
        Assert.Equal(new[] { "public.countdown", "public.by_identity_id_seq", "public.wide", "public.by_serial_id_seq" }, check.Findings.Select(f => f.Key));
    }
}

public class WraparoundRiskTests
{
    [Fact]
    public void Ages_match_the_server_and_statuses_follow_the_thresholds()
    {
        using var db = new TestDatabase();
        db.Execute("""
            CREATE TABLE young (id int) WITH (autovacuum_freeze_max_age = 100000);
            CREATE TABLE ignored_option (id int) WITH (autovacuum_freeze_max_age = 300000000);
            """);
        // A few transaction IDs, so the new tables have an age.
        for (var i = 0; i < 5; i++)
            db.Execute("SELECT txid_current()");

        var engine = TestDatabase.NewEngine();
        var health = engine.Get<IHealthService>(db.Info);
        string AgeSql(string table) => $"SELECT age(relfrozenxid) FROM pg_class WHERE oid = '{table}'::regclass";
        var dbAgeBefore = db.Scalar<long>($"SELECT age(datfrozenxid) FROM pg_database WHERE datname = '{db.Name}'");
        var tableAgeBefore = db.Scalar<long>(AgeSql("young"));
        var databasesBefore = db.Scalar<string>("SELECT string_agg(datname, '/') FROM pg_database")!.Split('/');
        var rows = health.GetWraparoundRisk(new PgWraparoundOptions { TopTables = 100000 }, default);
        var databasesAfter = db.Scalar<string>("SELECT string_agg(datname, '/') FROM pg_database")!.Split('/');
        var dbAgeAfter = db.Scalar<long>($"SELECT age(datfrozenxid) FROM pg_database WHERE datname = '{db.Name}'");
        var tableAgeAfter = db.Scalar<long>(AgeSql("young"));

        var database = rows.Single(r => r.Scope == "Database" && r.Database == db.Name);
        // Other tests use transaction IDs meanwhile: the age read by PgPerf lies between the two readings.
        Assert.InRange(database.XidAge, dbAgeBefore, dbAgeAfter);
        Assert.True(database.XidAge > 0);
        Assert.Equal(database.XidAge * 100.0 / 2147483648.0, database.PercentToWraparound, 12);
        Assert.Equal(db.Scalar<long>("SELECT current_setting('autovacuum_freeze_max_age')::bigint"), database.FreezeMaxAge);
        Assert.Equal(PgHealthStatus.Ok, database.Status);
        // Every database is listed once. Other tests create and drop databases meanwhile: those present both before
        // and after the read must be there, and nothing outside either reading.
        var listed = rows.Where(r => r.Scope == "Database").Select(r => r.Database).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Subset(databasesBefore.Union(databasesAfter).ToHashSet(), listed.ToHashSet());
        Assert.Superset(databasesBefore.Intersect(databasesAfter).ToHashSet(), listed.ToHashSet());

        var young = rows.Single(r => r.Scope == "Table" && r.Table == "young");
        Assert.InRange(young.XidAge, tableAgeBefore, tableAgeAfter);
        Assert.Equal(100000, young.FreezeMaxAge);                        // the smaller reloption wins
        Assert.Equal(young.XidAge * 100.0 / 100000, young.PercentOfFreezeMaxAge, 9);
        Assert.Equal(200000000, rows.Single(r => r.Table == "ignored_option").FreezeMaxAge);   // a larger one is ignored
        Assert.True(rows.Where(r => r.Scope == "Table").Select(r => r.XidAge).SequenceEqual(rows.Where(r => r.Scope == "Table").Select(r => r.XidAge).OrderDescending()));

        // Statuses: thresholds just under the real figures flip them.
        var underFreeze = young.PercentOfFreezeMaxAge * 0.99;
        var warned = health.GetWraparoundRisk(new PgWraparoundOptions { TopTables = 100000, FreezeMaxAgeWarningPercent = underFreeze }, default);
        Assert.Equal(PgHealthStatus.Warning, warned.Single(r => r.Table == "young").Status);
        Assert.Equal(PgHealthStatus.Ok, warned.Single(r => r.Table == "ignored_option").Status);   // its limit is 2000 times larger
        var critical = health.GetWraparoundRisk(new PgWraparoundOptions { WarningPercent = 0, CriticalPercent = database.PercentToWraparound * 0.99 }, default);
        Assert.Equal(PgHealthStatus.Critical, critical.Single(r => r.Scope == "Database" && r.Database == db.Name).Status);
        Assert.Equal(PgHealthStatus.Warning, health.GetWraparoundRisk(new PgWraparoundOptions { WarningPercent = 0 }, default).Single(r => r.Database == db.Name && r.Scope == "Database").Status);
        Assert.DoesNotContain(health.GetWraparoundRisk(new PgWraparoundOptions { TopTables = 0 }, default), r => r.Scope == "Table");
        // A table past a threshold is listed even when it is not among the oldest.
        var onlyAtRisk = health.GetWraparoundRisk(new PgWraparoundOptions { TopTables = 0, FreezeMaxAgeWarningPercent = underFreeze }, default);
        Assert.Contains(onlyAtRisk, r => r.Table == "young");
        Assert.All(onlyAtRisk.Where(r => r.Scope == "Table"), r => Assert.NotEqual(PgHealthStatus.Ok, r.Status));

        // The wraparound check lists the table past its own freeze limit as a finding of its own.
        var check = engine.Get<IHealthCheckService>(db.Info).Run(PgHealthChecks.All.Single(c => c.Name == "wraparound"),
            new Dictionary<string, double> { ["FreezeMaxAgeWarningPercent"] = underFreeze }, default);
        Assert.Contains(check.Findings, f => f.Key == $"{db.Name}.public.young" && f.Status == PgHealthStatus.Warning);
    }
}

public class VacuumHealthTests
{
    [Fact]
    public void Vacuum_and_analyze_are_due_by_the_server_formulas_with_per_table_reloptions()
    {
        using var db = new TestDatabase();
        // Unpooled: each session exits, which flushes its statistics.
        var unpooled = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString;
        void Run(string sql)
        {
            using var connection = new NpgsqlConnection(unpooled);
            connection.Open();
            using var command = new NpgsqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }
        // Statistics arrive when the writing session exits; wait for them (not a timing assertion) before the next step.
        void WaitFor(string condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!db.Scalar<bool>($"SELECT {condition}"))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("statistics never showed: " + condition);
                Thread.Sleep(100);
            }
        }
        long Stat(string table, string column) => db.Scalar<long>($"SELECT {column} FROM pg_stat_user_tables WHERE relname = '{table}'");
        Run("""
            CREATE TABLE tuned (id int) WITH (autovacuum_vacuum_threshold = 10, autovacuum_vacuum_scale_factor = 0,
                                             autovacuum_analyze_threshold = 5, autovacuum_analyze_scale_factor = 0);
            CREATE TABLE plain (id int);
            CREATE TABLE fresh_inserts (id int);
            CREATE TABLE no_insert_trigger (id int) WITH (autovacuum_vacuum_insert_threshold = -1);
            INSERT INTO tuned SELECT generate_series(1, 1000);
            INSERT INTO plain SELECT generate_series(1, 1000);
            """);
        WaitFor("(SELECT sum(n_tup_ins) FROM pg_stat_user_tables WHERE relname IN ('tuned', 'plain')) = 2000");
        Run("ANALYZE tuned; ANALYZE plain");
        Run("DELETE FROM tuned WHERE id <= 100; DELETE FROM plain WHERE id <= 100");
        Run("INSERT INTO fresh_inserts SELECT generate_series(1, 1500); INSERT INTO no_insert_trigger SELECT generate_series(1, 1500)");
        WaitFor("(SELECT sum(n_dead_tup) FROM pg_stat_user_tables WHERE relname IN ('tuned', 'plain')) = 200");
        WaitFor("(SELECT sum(n_ins_since_vacuum) FROM pg_stat_user_tables WHERE relname IN ('fresh_inserts', 'no_insert_trigger')) = 3000");
        Assert.Equal(100, Stat("plain", "n_mod_since_analyze"));

        var health = TestDatabase.NewEngine().Get<IHealthService>(db.Info);
        var rows = health.GetVacuumHealth(new PgVacuumHealthOptions(), default).ToDictionary(r => r.Table);

        var tuned = rows["tuned"];
        Assert.Equal(100, tuned.DeadTuples);
        Assert.Equal(10, tuned.VacuumThreshold);                        // 10 + 0 * 1000, from the reloptions
        Assert.True(tuned.VacuumDue);
        Assert.Equal(new[] { "DeadTuples" }, tuned.VacuumReasons);
        Assert.Equal(5, tuned.AnalyzeThreshold);
        Assert.Equal(100, tuned.ModificationsSinceAnalyze);
        Assert.True(tuned.AnalyzeDue);
        Assert.Equal(PgHealthStatus.Warning, tuned.Status);              // 100 >= 2 * 10
        Assert.Contains("autovacuum_vacuum_threshold=10", tuned.Reloptions);
        Assert.False(tuned.AutovacuumEnabled);                           // the test server runs with autovacuum = off

        var plain = rows["plain"];
        Assert.Equal(1000, plain.EstimatedRows);
        Assert.Equal(50 + 0.2 * 1000, plain.VacuumThreshold);            // the server defaults
        Assert.Equal(50 + 0.1 * 1000, plain.AnalyzeThreshold);
        Assert.False(plain.VacuumDue);
        Assert.False(plain.AnalyzeDue);
        Assert.Equal(PgHealthStatus.Ok, plain.Status);
        Assert.Empty(plain.Reloptions);

        // Never analyzed: reltuples counts as 0, so 1500 inserts pass the insert threshold of 1000.
        var inserts = rows["fresh_inserts"];
        Assert.Equal(1000, inserts.InsertThreshold);
        Assert.Equal(new[] { "Inserts" }, inserts.VacuumReasons);
        Assert.True(inserts.AnalyzeDue);
        var disabled = rows["no_insert_trigger"];
        Assert.Null(disabled.InsertThreshold);
        Assert.False(disabled.VacuumDue);
        Assert.Null(tuned.VacuumPid);

        // A stricter overdue factor changes the status, and the check reports the table as its worst finding.
        Assert.Equal(PgHealthStatus.Ok, health.GetVacuumHealth(new PgVacuumHealthOptions { OverdueFactor = 11 }, default).Single(r => r.Table == "tuned").Status);
        var check = TestDatabase.NewEngine().Get<IHealthCheckService>(db.Info).Run(PgHealthChecks.All.Single(c => c.Name == "vacuum"), new Dictionary<string, double>(), default);
        Assert.Equal(PgHealthStatus.Warning, check.Status);
        Assert.Equal("public.tuned", check.Target);
        Assert.Equal(10, check.Value);
    }
}
