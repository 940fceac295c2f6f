using Npgsql;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// A Fact about something the test server has only from a given major version on (the matrix in README runs every
/// major): on an older server it is reported as skipped, with the version found and what is missing, instead of
/// passing without having run.
/// </summary>
public sealed class MinimumServerVersionFactAttribute : FactAttribute
{
    public MinimumServerVersionFactAttribute(int major, string feature)
    {
        if (ServerMajor.Value is { } found && found < major)
            Skip = $"needs PostgreSQL {major} or later for {feature}; the test server is {found} (run it with ./build.ps1 Test -PgVersion {major})";
    }

    // Read once per test run. Null when no server is set: the test then runs and fails with TestDatabase's message.
    private static readonly Lazy<int?> ServerMajor = new(() =>
    {
        if (Environment.GetEnvironmentVariable("PGPERF_TEST_CONNECTION") is not { Length: > 0 } connectionString)
            return null;
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000", connection);
        return (int)command.ExecuteScalar()!;
    });
}
