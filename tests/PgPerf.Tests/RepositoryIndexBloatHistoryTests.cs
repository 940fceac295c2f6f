using Npgsql;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// Get-PgIndexBloat -Repository -Since reads the stored estimates straight into PgIndexBloat (Dapper, by column name):
/// every column of pgperf.index_bloat_snapshots lands in its own property. Two rows with a distinct value in every
/// column are stored with SQL, read back through the Engine, and compared with the same rows read from the table here.
/// </summary>
public sealed class RepositoryIndexBloatHistoryTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IPgPerfEngine _engine = TestDatabase.NewEngine();

    public void Dispose() => _db.Dispose();

    // Each stored column and the property it must land in, as the value a plain reader of the table gives.
    private static readonly Dictionary<string, Func<PgIndexBloat, object?>> PropertyOf = new()
    {
        ["captured_at"] = r => r.MeasuredAt.UtcDateTime,
        ["schemaname"] = r => r.Schema,
        ["tablename"] = r => r.Table,
        ["indexname"] = r => r.Index,
        ["index_bytes"] = r => r.IndexBytes,
        ["bloat_bytes"] = r => r.BloatBytes,
        ["bloat_percent"] = r => r.BloatPercent,
        ["expected_bytes"] = r => r.ExpectedBytes,
        ["status"] = r => r.Status,
        ["method"] = r => r.Method.ToString(),
        ["confidence"] = r => r.Confidence.ToString(),
        ["flags"] = r => string.Join(",", r.Flags),
        ["entries"] = r => r.Entries,
        ["entry_bytes"] = r => r.EntryBytes,
        ["fill_factor"] = r => r.FillFactor,
        ["is_unique"] = r => r.IsUnique,
    };

    [Fact]
    public void Every_stored_column_lands_in_its_property()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        _db.Execute("""
            INSERT INTO pgperf.monitored_servers (server_id, name, host, port, database) VALUES (7, 'shop', 'db1', 5432, 'shop');
            INSERT INTO pgperf.index_bloat_snapshots (server_id, captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes,
                        bloat_percent, expected_bytes, status, method, confidence, flags, entries, entry_bytes, fill_factor, is_unique)
            VALUES (7, now() - interval '2 hours 3.456789 seconds', 'sales', 'orders', 'orders_customer_idx', 1000001, 200002,
                    20.25, 800003, 'Warning', 'Estimate', 'Medium', '{StaleStats,Deduplicated}', 4242, 17.5, 85, false),
                   (7, now() - interval '1 hour', 'billing', 'invoices', 'invoices_pkey', 3000004, 5,
                    0.125, 2999999, 'Ok', 'Exact', 'High', '{}', NULL, 24.75, 90, true);
            """);
        // every column of the table but the server, which the row names as Server
        var columns = ColumnsOf("index_bloat_snapshots");
        Assert.Equal(columns.Where(c => c != "server_id").Order(), PropertyOf.Keys.Order());

        var server = new PgMonitoredServer { ServerId = 7, Name = "shop" };
        var read = _engine.Get<IServerHealthHistory>(_db.Info).ReadIndexBloat(server, DateTimeOffset.UtcNow.AddDays(-1), default);

        var stored = StoredRows();
        Assert.Equal(2, stored.Count);
        Assert.Equal(stored.Keys.Order(), read.Select(r => r.Index).Order());
        foreach (var row in read)
        {
            Assert.Equal("shop", row.Server);
            foreach (var (column, property) in PropertyOf)
                Assert.True(Equals(stored[row.Index][column], property(row)),
                    $"{column} of {row.Index}: stored {stored[row.Index][column]}, read {property(row)}");
        }
    }

    private List<string> ColumnsOf(string table)
    {
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT attname::text FROM pg_attribute WHERE attrelid = @t::regclass AND attnum > 0 AND NOT attisdropped", connection);
        command.Parameters.AddWithValue("t", "pgperf." + table);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    // The stored rows by index name, each column's value as the plain reader gives it (arrays joined, NULL as null).
    private Dictionary<string, Dictionary<string, object?>> StoredRows()
    {
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT * FROM pgperf.index_bloat_snapshots WHERE server_id = 7", connection);
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.GetValue(i) switch
                {
                    DBNull => null,
                    string[] items => string.Join(",", items),
                    var value => value,
                };
            rows[(string)row["indexname"]!] = row;
        }
        return rows;
    }
}
