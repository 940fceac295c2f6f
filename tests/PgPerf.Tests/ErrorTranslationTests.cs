using Xunit;

namespace PgPerf.Tests;

public class ErrorTranslationTests
{
    [Fact]
    public void Unreachable_server_is_a_connection_error_naming_host_and_port()
    {
        var port = FreePort();
        var info = PgConnectionParser.Parse($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3");
        var ex = Assert.Throws<PgPerfException>(() => TestDatabase.NewEngine().Test(info, default));
        Assert.Equal("PgPerf.Connection.Failed", ex.ErrorId);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
    }

    [Fact]
    public void A_server_is_named_in_front_of_an_error_once_however_many_layers_name_it()
    {
        var port = FreePort();
        var info = PgConnectionParser.Parse($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3");
        var failure = Assert.Throws<PgPerfException>(() => TestDatabase.NewEngine().Test(info, default));
        Assert.Null(failure.NamedServer);

        var named = failure.NamingServer("registered server 'down'").NamingServer("registered server 'down'").NamingServer("another");
        Assert.Equal("registered server 'down': " + failure.Message, named.Message);
        Assert.Equal("registered server 'down'", named.NamedServer);
        Assert.Equal(failure.ErrorId, named.ErrorId);
        Assert.Equal(failure.Kind, named.Kind);
    }

    [Fact]
    public void Wrong_password_is_an_authentication_error_without_the_password()
    {
        var admin = PgConnectionParser.Parse(TestDatabase.AdminConnectionString);
        const string secret = "Definitely-Wrong-Passw0rd";
        var info = PgConnectionParser.Parse($"Host={admin.Host};Port={admin.Port};Username=postgres;Password={secret}");
        var ex = Assert.Throws<PgPerfException>(() => TestDatabase.NewEngine().Test(info, default));
        Assert.Equal("PgPerf.Connection.AuthenticationFailed", ex.ErrorId);
        Assert.DoesNotContain(secret, ex.ToString());
    }

    [Fact]
    public void Unknown_keyword_is_reported_by_name()
    {
        var admin = PgConnectionParser.Parse(TestDatabase.AdminConnectionString);
        var info = PgConnectionParser.Parse($"Host={admin.Host};Port={admin.Port};Frobnicate=yes");
        var ex = Assert.Throws<PgPerfException>(() => TestDatabase.NewEngine().Test(info, default));
        Assert.Equal(PgConnectionParser.InvalidErrorId, ex.ErrorId);
        Assert.Contains("frobnicate", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Sessions_run_with_jit_off()
    {
        using var db = new TestDatabase();
        var engine = (PgPerf.Engine.PgPerfEngine)TestDatabase.NewEngine();
        var jit = engine.Context(db.Info).Run(async c =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SHOW jit", c);
            return (string)(await cmd.ExecuteScalarAsync())!;
        }, default);
        Assert.Equal("off", jit);
        Assert.True(engine.Context(db.Info).ServerVersionNum >= 130000);
    }

    [Fact]
    public void Command_timeout_is_a_timeout_not_a_connection_failure()
    {
        using var db = new TestDatabase();
        var info = PgConnectionParser.Parse(db.ConnectionString + ";Command Timeout=1");
        var engine = (PgPerf.Engine.PgPerfEngine)TestDatabase.NewEngine();
        var ex = Assert.Throws<PgPerfException>(() => engine.Context(info).Run(async c =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT pg_sleep(5)", c);
            return await cmd.ExecuteScalarAsync();
        }, default));
        Assert.Equal("PgPerf.Timeout", ex.ErrorId);
        Assert.Equal(PgPerfErrorKind.OperationTimeout, ex.Kind);
    }

    [Fact]
    public void A_missing_pgperf_object_without_the_schema_is_NotInstalled()
    {
        using var db = new TestDatabase();
        var engine = (PgPerf.Engine.PgPerfEngine)TestDatabase.NewEngine();
        var ex = Assert.Throws<PgPerfException>(() => Scalar(engine, db.Info, "SELECT count(*) FROM pgperf.query_log"));
        Assert.Equal(PgPerfErrorIds.Schema.NotInstalled, ex.ErrorId);
    }

    [Fact]
    public void A_missing_user_object_named_like_pgperf_with_the_schema_installed_is_the_server_error()
    {
        // The message names "pgperf" ("relation ... orders_pgperf_archive does not exist"), but the schema is there:
        // the error is the server's own, not a missing install (the message text is not what decides).
        using var db = new TestDatabase();
        var engine = (PgPerf.Engine.PgPerfEngine)TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var ex = Assert.Throws<PgPerfException>(() => Scalar(engine, db.Info, "SELECT count(*) FROM public.orders_pgperf_archive"));
        Assert.Equal(PgPerfErrorIds.Database.Error, ex.ErrorId);
        Assert.Contains("42P01", ex.Message);
    }

    private static object? Scalar(PgPerf.Engine.PgPerfEngine engine, PgConnectionInfo info, string sql) =>
        engine.Context(info).Run(async c =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
            return await cmd.ExecuteScalarAsync();
        }, default);

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
