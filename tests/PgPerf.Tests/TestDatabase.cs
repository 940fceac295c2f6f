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
