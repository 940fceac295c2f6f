using Npgsql;
using PgPerf.Engine;

namespace PgPerf.Tests;

/// <summary>
/// A fresh, empty database on the throwaway server that build.ps1 starts (PGPERF_TEST_CONNECTION),
/// dropped again on dispose. Use as an xunit class fixture or create one per test.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase()
    {
        var admin = AdminConnectionString;
        Name = "pgperf_x_" + Guid.NewGuid().ToString("N")[..10];
        Execute(admin, $"CREATE DATABASE {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = Name }.ConnectionString;
        Info = PgConnectionParser.Parse(ConnectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public PgConnectionInfo Info { get; }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("PGPERF_TEST_CONNECTION")
        ?? throw new InvalidOperationException("PGPERF_TEST_CONNECTION is not set: run the tests through ./build.ps1 Test, which starts a throwaway server.");

    /// <summary>A new Engine (its own pools), as a fresh process would have.</summary>
    public static IPgPerfEngine NewEngine() => EngineEntry.Create();

    public void Execute(string sql) => Execute(ConnectionString, sql);

    public T? Scalar<T>(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T));
    }

    /// <summary>
    /// Makes the statistics counters of this session's work visible to other sessions. PostgreSQL 15+ publishes
    /// them on pg_stat_force_next_flush(). Before 15 a session sends them to the statistics collector at the end of a
    /// transaction at most every 500 ms, and readers accept a collector file up to 500 ms old: so end a transaction
    /// that lasted longer than that, then wait that long.
    /// </summary>
    public static void PublishStatistics(NpgsqlConnection connection)
    {
        if (connection.PostgreSqlVersion.Major >= 15)
        {
            using var flush = new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection);
            flush.ExecuteNonQuery();
            return;
        }
        using (var sleep = new NpgsqlCommand("SELECT pg_sleep(0.6)", connection))
            sleep.ExecuteNonQuery();
        Thread.Sleep(TimeSpan.FromMilliseconds(600));
    }

    /// <summary>Polls a boolean query (each time in a new transaction) until it is true; fails after the timeout.</summary>
    public void WaitUntil(string sql, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!Scalar<bool>(sql))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not true within {timeoutSeconds} s: {sql}");
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute(AdminConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
