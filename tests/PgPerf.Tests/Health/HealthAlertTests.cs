using Xunit;

namespace PgPerf.Tests.Health;

public class HealthAlertTests
{
    [Fact]
    public void The_hourly_job_opens_one_alert_per_sequence_at_risk_and_resolves_it_when_it_clears()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        db.Execute("CREATE TABLE tickets (id serial PRIMARY KEY); SELECT setval('tickets_id_seq', 2100000000)");
        var jobs = engine.Get<IJobService>(db.Info);
        var alerts = engine.Get<IAlertService>(db.Info);
        PgPerfAlert[] Open() => alerts.Get(new PgAlertFilter { Types = new[] { "sequence_exhaustion" }, OpenOnly = true }, default).ToArray();

        var first = jobs.Run(PgJobKind.Hourly, new PgJobOptions(), default);
        var step = first.Steps.Single(s => s.Name == "health alerts");
        Assert.True(step.Status == PgJobStepStatus.Succeeded, step.Error);
        Assert.Contains("sequence_exhaustion 1", step.Message);
        var alert = Assert.Single(Open());
        Assert.Equal(PgAlertSeverity.Critical, alert.Severity);
        Assert.Equal("public.tickets_id_seq", alert.Subject);
        Assert.Equal("sequence_exhaustion:public.tickets_id_seq", alert.DedupKey);
        Assert.Contains("tickets.id (integer)", alert.Message);

        // Seen again: the same alert, counted twice (deduplicated), not a second one.
        jobs.Run(PgJobKind.Hourly, new PgJobOptions(), default);
        Assert.Equal(2, Assert.Single(Open()).Occurrences);

        // Widening the column alone is not enough: a serial's sequence is itself AS integer.
        db.Execute("ALTER TABLE tickets ALTER COLUMN id TYPE bigint");
        jobs.Run(PgJobKind.Hourly, new PgJobOptions(), default);
        Assert.Equal(alert.Id, Assert.Single(Open()).Id);
        db.Execute("ALTER SEQUENCE tickets_id_seq AS bigint");
        jobs.Run(PgJobKind.Hourly, new PgJobOptions(), default);
        Assert.Empty(Open());
        var resolved = alerts.Get(new PgAlertFilter { Ids = new[] { alert.Id } }, default).Single();
        Assert.Equal("auto", resolved.ResolvedBy);
    }

    [Fact]
    public void A_long_transaction_alert_is_keyed_by_session_and_resolves_when_the_session_ends()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        using var sessions = new TestSessions(db);
        var open = sessions.Open();
        TestSessions.Run(open, "BEGIN; SELECT 1");
        Thread.Sleep(1100);

        var checks = engine.Get<IHealthCheckService>(db.Info);
        var check = PgHealthChecks.All.Single(c => c.Name == "long_transaction");
        var thresholds = new Dictionary<string, double> { ["LongTransactionWarningSeconds"] = 1 };
        checks.ApplyAlerts(check, checks.Run(check, thresholds, default), default);
        var alerts = engine.Get<IAlertService>(db.Info);
        var alert = alerts.Get(new PgAlertFilter { Types = new[] { "long_transaction" }, OpenOnly = true }, default)
            .Single(a => a.Subject == $"pid {open.ProcessID}");
        Assert.StartsWith($"long_transaction:{open.ProcessID}:", alert.DedupKey);
        Assert.Equal(PgAlertSeverity.Warning, alert.Severity);
        Assert.Equal("long_transaction", alert.Details["check"]);

        TestSessions.Run(open, "COMMIT");
        checks.ApplyAlerts(check, checks.Run(check, thresholds, default), default);
        Assert.NotNull(alerts.Get(new PgAlertFilter { Ids = new[] { alert.Id } }, default).Single().ResolvedAt);
    }
}
