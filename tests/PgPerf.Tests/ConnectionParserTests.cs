using Xunit;

namespace PgPerf.Tests;

public class ConnectionParserTests
{
    [Theory]
    [InlineData("Host=db1;Port=6432;Database=app;Username=mon;Password=s3cret", "db1", 6432, "app", "mon")]
    [InlineData("Server=db1;Db=app;User Id=mon", "db1", 5432, "app", "mon")]
    [InlineData("host = db1 ; port = 5433 ; dbname = app", "db1", 5433, "app", null)]
    [InlineData("Host=db1:7000;Database=app", "db1", 7000, "app", null)]
    [InlineData("db1", "db1", 5432, null, null)]
    [InlineData("db1:6000", "db1", 6000, null, null)]
    [InlineData("db1:6000/app", "db1", 6000, "app", null)]
    [InlineData("db1/app", "db1", 5432, "app", null)]
    [InlineData("[::1]:5433/app", "::1", 5433, "app", null)]
    [InlineData("postgresql://mon:pw@db1:5544/app?sslmode=require", "db1", 5544, "app", "mon")]
    [InlineData("postgres://db1/app", "db1", 5432, "app", null)]
    public void Parses_every_accepted_form(string text, string host, int port, string? database, string? user)
    {
        var info = PgConnectionParser.Parse(text);
        Assert.Equal(host, info.Host);
        Assert.Equal(port, info.Port);
        Assert.Equal(database, info.Database);
        Assert.Equal(user, info.Username);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Host=;Port=5432", "Host")]
    [InlineData("Host=db1;Port=abc", "Port")]
    [InlineData("Host=db1;Port=0", "Port")]
    [InlineData("Database=app", "Host")]
    [InlineData("Host='db1;Port=1", "malformed")]
    [InlineData("db1:x", "port")]
    [InlineData("[::1:5432", "IPv6")]
    [InlineData("my host/app", "host")]
    public void Rejects_malformed_input_naming_the_part(string text, string part)
    {
        var ex = Assert.Throws<PgPerfException>(() => PgConnectionParser.Parse(text));
        Assert.Equal(PgConnectionParser.InvalidErrorId, ex.ErrorId);
        Assert.Equal(PgPerfErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(part, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Keeps_the_password_out_of_every_public_surface()
    {
        var info = PgConnectionParser.Parse("Host=db1;Username=mon;Password=Sup3rSecret!;Timeout=5");
        Assert.True(info.HasPassword);
        Assert.DoesNotContain("Sup3rSecret", info.ToString());
        Assert.DoesNotContain("Sup3rSecret", System.Text.Json.JsonSerializer.Serialize(info));
        Assert.DoesNotContain(typeof(PgConnectionInfo).GetProperties(), p => p.Name == "Password");
        Assert.DoesNotContain(info.Options.Values, v => v.Contains("Sup3rSecret"));
        Assert.Equal("5", info.Options["Timeout"]);
    }

    [Fact]
    public void Prefers_PGPERF_CONNECTION_over_libpq_variables()
    {
        var env = new Dictionary<string, string?> { ["PGPERF_CONNECTION"] = "db9:7777/x", ["PGHOST"] = "other" };
        var info = PgConnectionParser.FromEnvironment(k => env.GetValueOrDefault(k))!;
        Assert.Equal(("db9", 7777, PgConnectionSource.EnvironmentVariable), (info.Host, info.Port, info.Source));
    }

    [Fact]
    public void Reads_the_libpq_variables_including_the_pgpass_file()
    {
        var env = new Dictionary<string, string?>
        {
            ["PGHOST"] = "db2", ["PGPORT"] = "6543", ["PGDATABASE"] = "app", ["PGUSER"] = "mon", ["PGPASSWORD"] = "pw", ["PGPASSFILE"] = "/tmp/pgpass",
        };
        var info = PgConnectionParser.FromEnvironment(k => env.GetValueOrDefault(k))!;
        Assert.Equal(("db2", 6543, "app", "mon"), (info.Host, info.Port, info.Database, info.Username));
        Assert.True(info.HasPassword);
        Assert.Equal("/tmp/pgpass", info.Options["Passfile"]);
        Assert.Equal(PgConnectionSource.LibpqEnvironment, info.Source);
    }

    [Fact]
    public void Returns_null_when_nothing_is_set_and_names_a_bad_PGPORT()
    {
        Assert.Null(PgConnectionParser.FromEnvironment(_ => null));
        var ex = Assert.Throws<PgPerfException>(() => PgConnectionParser.FromEnvironment(k => k == "PGPORT" ? "x" : k == "PGHOST" ? "h" : null));
        Assert.Contains("PGPORT", ex.Message);
    }
}
