using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using PgPerf.Engine;
using PgPerf.Engine.Index;
using Xunit;
using Xunit.Abstractions;

namespace PgPerf.Tests.Index;

/// <summary>
/// The verdict read from the steps stored at capture time (006) against the reference: every reading judged
/// by IndexUsageVerdict.Assess in C#, and the 003 SQL function over every reading, on randomized histories
/// with resets, restarts, counters going down, late indexes, out-of-order loads, edits and deletes.
/// </summary>
public class IndexUsageStepsTests
{
    private readonly ITestOutputHelper _output;

    public IndexUsageStepsTests(ITestOutputHelper output) => _output = output;

    private static readonly string[] Indexes =
    {
        "ix_0", "ix_1", "ix_2", "ix_3", "ix_4", "ix_5", "ix_6", "ix_7", "ix_8", "Weird \"Name\"", "ix_scanned", "ix_unique",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Stored_steps_give_the_same_verdicts_as_every_reading_on_random_histories(int seed)
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var service = (IndexService)engine.Get<IIndexService>(db.Info);
        db.Execute(""""
            CREATE TABLE r(id int, a int, b int, c int, d int, e int);
            INSERT INTO r SELECT g, g % 10, g % 11, g % 12, g % 13, g % 14 FROM generate_series(1, 3000) g;
            CREATE INDEX ix_0 ON r(a); CREATE INDEX ix_1 ON r(b); CREATE INDEX ix_2 ON r(c); CREATE INDEX ix_3 ON r(d);
            CREATE INDEX ix_4 ON r(e); CREATE INDEX ix_5 ON r(a, b); CREATE INDEX ix_6 ON r(b, c); CREATE INDEX ix_7 ON r(c, d);
            CREATE INDEX ix_8 ON r(d, e); CREATE INDEX "Weird ""Name""" ON r(e, a); CREATE INDEX ix_scanned ON r(id, a);
            CREATE UNIQUE INDEX ix_unique ON r(id);
            ANALYZE r;
            """");
        // The 003 function, as it shipped, next to the new one.
        var shipped = SqlResources.Get("003_index_health.sql");
        var detect = Regex.Match(shipped, @"CREATE FUNCTION pgperf\.detect_unused_indexes\(.*?\n\$\$;", RegexOptions.Singleline).Value;
        Assert.NotEmpty(detect);
        db.Execute("CREATE SCHEMA pgperf_ref; " + detect.Replace("CREATE FUNCTION pgperf.detect_unused_indexes(", "CREATE FUNCTION pgperf_ref.detect_unused_indexes("));

        var random = new Random(seed);
        var now = db.Scalar<DateTime>("SELECT now()");
        var rows = Indexes.SelectMany(ix => History(random, ix, now)).OrderBy(_ => random.Next()).ToList();
        _output.WriteLine($"seed {seed}: {rows.Count} readings");
        // Loaded in shuffled batches: each batch lands before and after rows already there.
        foreach (var batch in rows.Chunk(rows.Count / 4 + 1))
            Insert(db, batch);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.index_usage_snapshots WHERE cum_scans IS NULL"));
        // What the trigger derived is what a full derivation gives.
        Assert.Equal(0L, db.Scalar<long>("SELECT pgperf.derive_index_usage_steps()"));

        // Real scans, then a real capture on top of the synthetic history.
        Scan(db, "SELECT count(*) FROM r WHERE id = 5 AND a = 5", 3);
        Assert.Equal(Indexes.Length, service.CaptureSnapshot(default).Count);
        Assert.Equal(0L, db.Scalar<long>("SELECT pgperf.derive_index_usage_steps()"));

        // Edits and deletes in the middle of a history re-derive it.
        db.Execute("""
            DELETE FROM pgperf.index_usage_snapshots WHERE id = (SELECT id FROM pgperf.index_usage_snapshots WHERE indexname = 'ix_1' ORDER BY captured_at OFFSET 20 LIMIT 1);
            UPDATE pgperf.index_usage_snapshots SET idx_scan = idx_scan + 7 WHERE id = (SELECT id FROM pgperf.index_usage_snapshots WHERE indexname = 'ix_2' ORDER BY captured_at OFFSET 30 LIMIT 1);
            """);
        Assert.Equal(0L, db.Scalar<long>("SELECT pgperf.derive_index_usage_steps()"));

        var failures = new List<string>();
        var statuses = new HashSet<string>();
        var blindGaps = 0;
        Compare(db, service, now, failures, statuses, ref blindGaps);

        // Retention: dropping the oldest rows derives nothing again, and the verdicts still agree.
        db.Execute("DELETE FROM pgperf.index_usage_snapshots WHERE captured_at < now() - interval '70 days'");
        Compare(db, service, now, failures, statuses, ref blindGaps);

        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join("\n", failures.Take(20)));
        // The histories are varied enough for the comparison to mean something.
        Assert.True(statuses.Count >= 3, $"seed {seed}: only {string.Join(", ", statuses)}");
        Assert.True(blindGaps > 0, $"seed {seed}: no blind gap");
    }

    [Fact]
    public void Capture_stores_each_step_against_the_latest_row_and_hands_out_of_order_rows_to_the_derivation()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var service = engine.Get<IIndexService>(db.Info);
        db.Execute("""
            CREATE TABLE o(id int, a int, b int);
            INSERT INTO o SELECT g, g % 50, g % 60 FROM generate_series(1, 2000) g;
            CREATE INDEX o_a ON o(a); CREATE INDEX "O b" ON o(b); ANALYZE o;
            """);
        const string Latest = """
            SELECT concat_ws('|', continuous, scans, cum_scans, cum_blind_gaps, last_scan_step_at = captured_at, observed_from = prev_at)
              FROM (SELECT s.*, lag(captured_at) OVER (ORDER BY captured_at) AS prev_at FROM pgperf.index_usage_snapshots s WHERE indexname = '{0}') x
             ORDER BY captured_at DESC LIMIT 1
            """;
        service.CaptureSnapshot(default);
        Assert.Equal("0|0|0", db.Scalar<string>(string.Format(Latest, "o_a")));   // first row: no step, no scans
        Scan(db, "SELECT count(*) FROM o WHERE a = 3", 3);
        service.CaptureSnapshot(default);
        Assert.Equal("t|3|3|0|t|t", db.Scalar<string>(string.Format(Latest, "o_a")));
        Assert.Equal("t|0|0|0|t", db.Scalar<string>(string.Format(Latest, "O b")));

        // A reset: the step is blind, the new value is a lower bound, the totals go on.
        db.Execute("SELECT pg_stat_reset()");
        Scan(db, "SELECT count(*) FROM o WHERE a = 4", 2);
        service.CaptureSnapshot(default);
        Assert.Equal("f|2|5|1|t|f", db.Scalar<string>(string.Format(Latest, "o_a")));

        // A row from the future: the next capture is not the latest row of its index, so the trigger derives
        // the index in order (the future row's step now starts at that capture).
        db.Execute("""
            INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes, stats_reset, server_started_at)
            SELECT now() + interval '1 day', schemaname, tablename, indexname, idx_scan + 4, idx_tup_read, idx_tup_fetch, index_size_bytes, stats_reset, server_started_at
              FROM pgperf.index_usage_current() WHERE indexname = 'O b'
            """);
        service.CaptureSnapshot(default);
        Assert.Equal("t|4|4|1|t|t", db.Scalar<string>(string.Format(Latest, "O b")));

        // Rows loaded with triggers off stay underived until the next capture, which derives them first.
        db.Execute("""
            ALTER TABLE pgperf.index_usage_snapshots DISABLE TRIGGER USER;
            INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes)
            VALUES (now() - interval '3 days', 'public', 'o', 'o_a', 0, 0, 0, 8192);
            ALTER TABLE pgperf.index_usage_snapshots ENABLE TRIGGER USER;
            """);
        Assert.Equal(1, db.Scalar<int>("SELECT count(*) FROM pgperf.index_usage_snapshots WHERE cum_scans IS NULL"));
        service.CaptureSnapshot(default);
        Assert.Equal(0, db.Scalar<int>("SELECT count(*) FROM pgperf.index_usage_snapshots WHERE cum_scans IS NULL"));
        Assert.Equal(0L, db.Scalar<long>("SELECT pgperf.derive_index_usage_steps()"));
        // The loaded row knows no reset or start time, so the step from it to the first capture is one more blind gap.
        Assert.Equal("t|0|5|2|f|t", db.Scalar<string>(string.Format(Latest, "o_a")));
    }

    private static void Compare(TestDatabase db, IndexService service, DateTime now, List<string> failures, HashSet<string> statuses, ref int blindGaps)
    {
        foreach (var sinceDays in new[] { 90, 45, 200 })
        foreach (var options in new[]
                 {
                     new PgUnusedIndexOptions(),
                     new PgUnusedIndexOptions { MinDaysUnused = 7, IncludeConstraintIndexes = true },
                     new PgUnusedIndexOptions { MinDaysUnused = 45, IgnoreStatsAge = true },
                     new PgUnusedIndexOptions { MinDaysUnused = 1 },
                 })
        {
            var since = now.AddDays(-sinceDays);
            var fast = service.GetUnusedIndexes(options, since, default);
            var reference = UnusedIndexReference.FromReadings(db.ConnectionString, options, since);
            var what = $"since -{sinceDays}d, MinDaysUnused {options.MinDaysUnused}, IgnoreStatsAge {options.IgnoreStatsAge}";
            if (fast.Count != reference.Count || fast.Count == 0)
            {
                failures.Add($"{what}: {fast.Count} rows, reference {reference.Count}");
                continue;
            }
            foreach (var (f, r) in fast.Zip(reference))
            {
                statuses.Add(r.Status);
                blindGaps += r.BlindGaps;
                // The live readings are taken a moment apart: day counts may differ by a rounding step.
                if (f.Index != r.Index || f.Status != r.Status || f.ScansInWindow != r.ScansInWindow || f.BlindGaps != r.BlindGaps
                    || Math.Abs(f.ObservedDays - r.ObservedDays) > 0.011 || Math.Abs(f.DaysSinceLastScan - r.DaysSinceLastScan) > 0.011
                    || Math.Abs(f.BlindDays - r.BlindDays) > 0.011 || f.ObservedSince != r.ObservedSince || f.LastScanAt != r.LastScanAt)
                    failures.Add($"{what}: {f.Index}: {Describe(f)} | reference {r.Index}: {Describe(r)}");
            }
        }

        // In SQL, the new detect_unused_indexes and the shipped one, in one statement (same now()). On 16+ an index
        // the server knows a last scan time for is judged by it since 021 (the C# reference above holds those), so
        // the shipped 003 rule is the reference only for the others.
        const string Unchanged = "WHERE indexname NOT IN (SELECT indexname FROM pgperf.index_usage_current() WHERE last_idx_scan IS NOT NULL)";
        foreach (var (days, constraints, ignore) in new[] { (30, false, false), (7, true, false), (45, false, true), (1, true, true) })
        {
            var args = $"{days}, {constraints}, {ignore}";
            var diff = db.Scalar<long>($"""
                SELECT count(*) FROM ((SELECT * FROM pgperf.detect_unused_indexes({args}) {Unchanged} EXCEPT ALL SELECT * FROM pgperf_ref.detect_unused_indexes({args}) {Unchanged})
                                      UNION ALL
                                      (SELECT * FROM pgperf_ref.detect_unused_indexes({args}) {Unchanged} EXCEPT ALL SELECT * FROM pgperf.detect_unused_indexes({args}) {Unchanged})) d
                """);
            if (diff != 0)
                failures.Add($"detect_unused_indexes({args}): {diff} rows differ from 003");
        }
    }

    private static string Describe(PgUnusedIndex i) =>
        $"{i.Status} since-last {i.DaysSinceLastScan} observed {i.ObservedDays} blind {i.BlindDays}/{i.BlindGaps} scans {i.ScansInWindow} from {i.ObservedSince:O} last {i.LastScanAt:O}";

    private sealed record Reading(string Index, DateTime At, long Scans, long Read, long Fetch, DateTime? StatsReset, DateTime ServerStart);

    /// <summary>
    /// Readings of one index at irregular times, most hourly to daily, with stats resets, restarts (crashes lose
    /// the counters), counters that go down on their own, gaps, and an index that may appear late.
    /// </summary>
    private static IEnumerable<Reading> History(Random random, string index, DateTime now)
    {
        var start = now.AddDays(-new[] { 120, 100, 60, 40, 20, 5 }[random.Next(6)]).AddMinutes(-random.Next(600));
        DateTime? reset = random.Next(3) == 0 ? null : start.AddDays(-random.Next(1, 200));
        var serverStart = start.AddDays(-random.Next(0, 30)).AddMinutes(-random.Next(1, 600));
        long scans = random.Next(3) == 0 ? 0 : random.Next(0, 50), read = scans * 3, fetch = scans * 2;
        var activeUntil = now.AddDays(-random.Next(0, 130));   // scanned now and then until this time
        var usage = random.Next(1, 8);
        for (var at = start; at < now.AddMinutes(-5); at = at.AddMinutes(random.Next(20, 1800)))
        {
            var roll = random.Next(100);
            if (roll < 3)
            {
                reset = at.AddMinutes(-random.Next(0, 20));
                scans = read = fetch = random.Next(0, 2);
            }
            else if (roll < 6)
            {
                serverStart = at.AddMinutes(-random.Next(0, 20));
                scans = read = fetch = 0;
            }
            else if (roll < 8)
            {
                scans = Math.Max(0, scans - random.Next(1, 5));
            }
            else if (roll < 12)
            {
                continue;   // missing from this snapshot
            }
            else if (at < activeUntil && random.Next(usage) == 0)
            {
                var n = random.Next(1, 20);
                scans += n; read += 3 * n; fetch += 2 * n;
            }
            yield return new Reading(index, at, scans, read, fetch, reset, serverStart);
        }
    }

    private static void Insert(TestDatabase db, IReadOnlyList<Reading> rows)
    {
        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("""
            INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch,
                                                      index_size_bytes, is_unique, stats_reset, server_started_at)
            SELECT u.at, 'public', 'r', u.ix, u.scans, u.rd, u.fe, 8192, u.ix = 'ix_unique', u.rs, u.st
              FROM unnest(@at, @ix, @scans, @rd, @fe, @rs, @st) AS u(at, ix, scans, rd, fe, rs, st)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.At).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("ix", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Index).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("scans", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Scans).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("rd", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Read).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("fe", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Fetch).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("rs", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.StatsReset).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("st", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.ServerStart).ToArray() });
        command.ExecuteNonQuery();
    }

    private static void Scan(TestDatabase db, string sql, int times)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        foreach (var setup in new[] { "SET enable_seqscan = off", "SET enable_bitmapscan = off" })
            using (var c = new NpgsqlCommand(setup, connection)) c.ExecuteNonQuery();
        for (var i = 0; i < times; i++)
            using (var c = new NpgsqlCommand(sql, connection)) c.ExecuteScalar();
        TestDatabase.PublishStatistics(connection);
    }
}
