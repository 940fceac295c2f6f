using Npgsql;
using PgPerf.Engine;
using Xunit;

namespace PgPerf.Tests.Bloat;

/// <summary>
/// The table bloat rules live twice by necessity: in pgperf.table_bloat_estimate() (migration 004; the spec's
/// function, which psql and pg_cron users call without the module) and in BloatMath (Core), which the measured
/// methods (pgstattuple) and the index bloat use on servers where nothing of PgPerf is installed. These tests hold
/// each pair together on real tables: the confidence rule from the flags, and the heap pages a rewrite needs.
/// </summary>
[Collection(nameof(VacuumFullCollection))]
public class BloatRuleSourcesTests
{
    [Fact]
    public void The_SQL_estimate_and_BloatMath_agree_on_confidence_and_heap_pages()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var service = engine.Get<IBloatService>(db.Info);
        db.Execute("""
            CREATE TABLE plain_int (id int) WITH (autovacuum_enabled = off);
            INSERT INTO plain_int SELECT generate_series(1, 20000);
            DELETE FROM plain_int WHERE id % 3 = 0;
            CREATE TABLE pairs_ff70 (a bigint, b bigint) WITH (fillfactor = 70, autovacuum_enabled = off);
            INSERT INTO pairs_ff70 SELECT i, i FROM generate_series(1, 15000) i;
            DELETE FROM pairs_ff70 WHERE a % 2 = 0;
            CREATE TABLE mixed (a int, b smallint, c int) WITH (fillfactor = 90, autovacuum_enabled = off);
            INSERT INTO mixed SELECT i, 1, i FROM generate_series(1, 12000) i;
            CREATE TABLE texts (id int, v text) WITH (autovacuum_enabled = off);
            INSERT INTO texts SELECT i, md5(i::text) FROM generate_series(1, 8000) i;
            DELETE FROM texts WHERE id % 4 = 0;
            CREATE TABLE named (id int, owner name);
            INSERT INTO named SELECT i, 'o' FROM generate_series(1, 500) i;
            CREATE TABLE dropped (id int, junk text);
            INSERT INTO dropped SELECT i, repeat('x', 200) FROM generate_series(1, 500) i;
            ALTER TABLE dropped DROP COLUMN junk;
            CREATE TABLE stale (id int) WITH (autovacuum_enabled = off);
            INSERT INTO stale SELECT generate_series(1, 100);
            """);
        NpgsqlConnection.ClearAllPools();
        db.Execute("ANALYZE");
        db.Execute("INSERT INTO stale SELECT generate_series(1, 5000)");
        db.Execute("CREATE TABLE never_analyzed (id int); INSERT INTO never_analyzed SELECT generate_series(1, 1000)");

        var rows = service.Estimate(default).ToList();
        var sqlConfidence = new Dictionary<long, string>();
        using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT oid::bigint, confidence FROM pgperf.table_bloat_estimate()", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read()) sqlConfidence[reader.GetInt64(0)] = reader.GetString(1);
        }

        // Confidence: the function's own column against the Core rule over the function's flags, every table.
        foreach (var row in rows)
            Assert.True(BloatMath.Confidence(row.Flags).ToString() == sqlConfidence[row.TableOid],
                $"{row.Table}: flags [{string.Join(", ", row.Flags)}], SQL says {sqlConfidence[row.TableOid]}, BloatMath says {BloatMath.Confidence(row.Flags)}");
        // The tables cover every level, so the comparison above is not only High against High.
        Assert.Equal(new[] { "High", "Low", "Medium" }, rows.Select(r => sqlConfidence[r.TableOid]).Distinct().Order());

        // Heap pages: where the estimate used the statistics (no fallback flag) and there is no TOAST data, the bloat
        // is the heap minus the pages BloatMath.HeapPagesNeeded says the live rows take.
        var arithmetic = new[] { "plain_int", "pairs_ff70", "mixed", "texts" };
        foreach (var name in arithmetic)
        {
            var row = Assert.Single(rows, r => r.Table == name);
            Assert.Empty(row.Flags.Intersect(BloatMath.LowConfidenceFlags));
            var toastBytes = db.Scalar<long>($"SELECT coalesce(pg_relation_size(nullif(reltoastrelid, 0)), 0) FROM pg_class WHERE oid = {row.TableOid}");
            Assert.Equal(0, toastBytes);
            var pages = BloatMath.HeapPagesNeeded(row.LiveTuples, row.EstimatedRowBytes, row.FillFactor, row.FixedWidth);
            Assert.True(pages > 0, $"{name}: {row.LiveTuples} live rows need pages");
            Assert.True(Math.Max(0, row.TableBytes - pages * BloatMath.BlockSize) == row.BloatBytes,
                $"{name}: {row.LiveTuples} rows of {row.EstimatedRowBytes} B, fillfactor {row.FillFactor}, fixed {row.FixedWidth}: " +
                $"SQL gives back {row.BloatBytes} B of {row.TableBytes}, BloatMath {row.TableBytes - pages * BloatMath.BlockSize}");
        }
        // Some of them do have bloat, so the pages are compared where they matter.
        Assert.Contains(rows, r => arithmetic.Contains(r.Table) && r.BloatBytes > 0);
        Assert.Contains(rows, r => arithmetic.Contains(r.Table) && !r.FixedWidth);
    }
}
