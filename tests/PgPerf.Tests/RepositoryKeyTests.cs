using Npgsql;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// Issue 17, item 3: a repository can be distributed with Citus by server_id only if every primary and unique key of
/// every table holding per-server rows includes server_id (Citus enforces a unique key only when it contains the
/// distribution column). Read from the catalog of a prepared repository, partitions included; the tables whose rows
/// are not per monitored server are listed here, each with why (docs/scale.md says what becomes of them).
/// </summary>
public class RepositoryKeyTests
{
    /// <summary>Tables (partitions go with their root) that hold no per-server rows, and why.</summary>
    internal static readonly IReadOnlyDictionary<string, string> NotPerServer = new Dictionary<string, string>
    {
        ["schema_migrations"] = "the schema's own version: one per database, whatever it monitors",
        ["monitored_servers"] = "the registry itself: one row per server (its primary key is server_id; its name is unique across servers on purpose); a Citus reference table",
        ["query_hash_version"] = "which QueryHash version this database's texts carry: one row per database",
        ["index_drop_log"] = "Remove-PgIndex's audit log, written in the database whose index it drops; a repository drops nothing",
    };

    // Every table and partition of schema pgperf with its root, and each of its primary and unique keys (constraint or
    // unique index, partial ones too) with whether server_id is among the key's columns; a table without any key is
    // one row with a NULL key. Whether the table has a server_id column at all comes with it.
    private const string KeysSql = """
        WITH t AS (
            SELECT c.oid, c.relname::text AS relname,
                   coalesce((SELECT r.relname::text FROM pg_class r WHERE r.oid = pg_partition_root(c.oid)), c.relname::text) AS root
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'pgperf' AND c.relkind IN ('r', 'p')
        )
        SELECT t.relname, t.root, k.relname::text AS key_name,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'server_id' AND NOT a.attisdropped) AS has_column,
               EXISTS (SELECT 1 FROM unnest(x.indkey::int2[]) col
                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = col
                        WHERE a.attname = 'server_id') AS key_has_server_id
          FROM t
          LEFT JOIN pg_index x ON x.indrelid = t.oid AND (x.indisprimary OR x.indisunique)
          LEFT JOIN pg_class k ON k.oid = x.indexrelid
         ORDER BY 1, 3
        """;

    private sealed record KeyRow(string Table, string Root, string? Key, bool HasColumn, bool KeyHasServerId);

    private static List<KeyRow> ReadKeys(TestDatabase db)
    {
        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(KeysSql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<KeyRow>();
        while (reader.Read())
            rows.Add(new KeyRow(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetBoolean(3), reader.GetBoolean(4)));
        return rows;
    }

    /// <summary>What breaks the rule: a per-server table without server_id, or one of its keys without it.</summary>
    private static List<string> Offenders(IEnumerable<KeyRow> rows) =>
        rows.Where(r => !NotPerServer.ContainsKey(r.Root))
            .SelectMany(r => !r.HasColumn ? new[] { $"{r.Table}: no server_id column" }
                : r.Key is not null && !r.KeyHasServerId ? new[] { $"{r.Table}: key {r.Key} lacks server_id" }
                : Array.Empty<string>())
            .Distinct().ToList();

    /// <summary>A prepared repository with a day partition of every partitioned table, so partitions are read too.</summary>
    private static TestDatabase NewRepository()
    {
        var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        engine.Get<IRepositoryService>(db.Info).Prepare(default);
        db.Execute("SELECT pgperf.ensure_statement_history_partitions(ARRAY[current_date]); " +
                   "SELECT pgperf.ensure_query_log_partitions(ARRAY[current_date]); " +
                   "SELECT pgperf.ensure_snapshot_partitions(t, ARRAY[current_date]) FROM unnest(ARRAY['index_usage_snapshots', 'table_bloat_snapshots']) t");
        return db;
    }

    [Fact]
    public void Every_key_of_a_table_with_per_server_rows_includes_server_id()
    {
        using var db = NewRepository();
        var rows = ReadKeys(db);
        // the catalog was read, partitions included
        Assert.Contains(rows, r => r.Root == "statement_history" && r.Table != r.Root);
        Assert.Contains(rows, r => r.Root == "table_bloat_snapshots" && r.Table != r.Root && r.Key is not null);
        Assert.Contains(rows, r => r.Table == "index_usage_snapshots" && r.Key is not null && r.KeyHasServerId);
        Assert.Empty(Offenders(rows));
    }

    [Fact]
    public void A_key_without_server_id_is_found()
    {
        using var db = NewRepository();
        db.Execute("ALTER TABLE pgperf.index_usage_snapshots ADD CONSTRAINT index_usage_snapshots_one_per_time UNIQUE (schemaname, indexname, captured_at)");
        db.Execute("CREATE UNIQUE INDEX statement_history_no_server ON pgperf.statement_history (queryid, dbid, userid, toplevel, captured_at)");
        var offenders = Offenders(ReadKeys(db));
        Assert.Contains("index_usage_snapshots: key index_usage_snapshots_one_per_time lacks server_id", offenders);
        Assert.Contains("statement_history: key statement_history_no_server lacks server_id", offenders);
        // and on the partition, which the index reached
        Assert.Contains(offenders, o => o.StartsWith("statement_history_p", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_table_on_the_list_exists_and_still_holds_no_per_server_rows()
    {
        using var db = NewRepository();
        var rows = ReadKeys(db);
        foreach (var table in NotPerServer.Keys)
        {
            Assert.True(rows.Any(r => r.Table == table), $"{table} is on the list but is not a table of schema pgperf: take it off.");
            // a table given server_id has per-server rows now: it leaves the list and the rule applies to it
            Assert.False(rows.Any(r => r.Table == table && r.HasColumn && table != "monitored_servers"),
                $"{table} has a server_id column: take it off the list so its keys are checked.");
        }
    }
}
