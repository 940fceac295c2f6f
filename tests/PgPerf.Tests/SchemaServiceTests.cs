using Xunit;

namespace PgPerf.Tests;

public class SchemaServiceTests
{
    [Fact]
    public void Installs_every_migration_once_and_reports_status()
    {
        using var db = new TestDatabase();
        var schema = TestDatabase.NewEngine().Get<ISchemaService>(db.Info);

        var before = schema.GetStatus(default);
        Assert.False(before.Installed);
        Assert.Equal(schema.Shipped.Count, before.Pending.Length);
        Assert.Equal(1, schema.Shipped[0].Version);

        var installed = schema.Install(null, default);
        Assert.Equal(installed.LatestVersion, installed.InstalledVersion);
        Assert.Equal(schema.Shipped.Select(m => m.Version), installed.AppliedNow.Select(m => m.Version));
        Assert.Empty(schema.Install(null, default).AppliedNow);
        Assert.Equal(schema.Shipped.Count, db.Scalar<int>("SELECT count(*) FROM pgperf.schema_migrations"));
        Assert.Empty(schema.GetStatus(default).Modified);
    }

    [Fact]
    public void EnsureInstalled_says_not_installed_then_outdated()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        var schema = engine.Get<ISchemaService>(db.Info);

        var missing = Assert.Throws<PgPerfException>(() => schema.EnsureInstalled(default));
        Assert.Equal("PgPerf.Schema.NotInstalled", missing.ErrorId);
        Assert.Contains("Install-PgPerfSchema", missing.Message);
        Assert.Contains(db.Name, missing.Message);

        schema.Install(null, default);
        schema.EnsureInstalled(default);

        // Make migration 1 look unapplied while the schema stays installed: a fresh engine must ask for an upgrade.
        db.Execute("UPDATE pgperf.schema_migrations SET version = 900 WHERE version = 1");
        var outdated = Assert.Throws<PgPerfException>(() => TestDatabase.NewEngine().Get<ISchemaService>(db.Info).EnsureInstalled(default));
        Assert.Equal("PgPerf.Schema.Outdated", outdated.ErrorId);
    }

    [Fact]
    public void Installs_only_the_requested_versions()
    {
        using var db = new TestDatabase();
        var schema = TestDatabase.NewEngine().Get<ISchemaService>(db.Info);
        var result = schema.Install(new[] { 1 }, default);
        Assert.Equal(new[] { 1 }, result.AppliedNow.Select(m => m.Version));
        Assert.Equal(1, result.InstalledVersion);
    }

    [Fact]
    public void Alert_upsert_deduplicates_open_alerts_and_resolves_stale_ones()
    {
        using var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);

        db.Execute("SELECT pgperf.create_performance_alert('slow_query', 'warning', 'q1', 'first')");
        db.Execute("SELECT pgperf.create_performance_alert('slow_query', 'critical', 'q1', 'second', '{\"n\":2}', NULL, 3)");
        db.Execute("SELECT pgperf.create_performance_alert('slow_query', 'warning', 'q2', 'other')");
        Assert.Equal(2, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts"));
        Assert.Equal(4, db.Scalar<int>("SELECT occurrences FROM pgperf.performance_alerts WHERE subject = 'q1'"));
        Assert.Equal("critical", db.Scalar<string>("SELECT severity FROM pgperf.performance_alerts WHERE subject = 'q1'"));

        Assert.Equal(1, db.Scalar<int>("SELECT pgperf.resolve_stale_alerts('slow_query', ARRAY['slow_query:q1'])"));
        Assert.Equal("slow_query:q2", db.Scalar<string>("SELECT dedup_key FROM pgperf.performance_alerts WHERE resolved_at IS NOT NULL"));

        // A resolved alert does not block a new one with the same key.
        db.Execute("SELECT pgperf.create_performance_alert('slow_query', 'warning', 'q2', 'again')");
        Assert.Equal(3, db.Scalar<int>("SELECT count(*) FROM pgperf.performance_alerts"));
    }
}
