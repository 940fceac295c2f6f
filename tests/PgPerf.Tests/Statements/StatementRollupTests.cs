using Npgsql;
using NpgsqlTypes;
using PgPerf.Engine;
using PgPerf.Engine.Statements;
using Xunit;

namespace PgPerf.Tests.Statements;

/// <summary>
/// Migration 019 reads a window as the difference of running totals per entry (statement_daily,
/// statement_running, statement_history.run_*). Every figure must be exactly what summing the window's hourly rows
/// gives: the expected sums here are computed in the test from the rows it inserted, never read back through the
/// code under test. Times and sums of squares are multiples of 1/8, so that both ways of adding them are exact.
/// </summary>
public sealed class StatementRollupTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly IPgPerfEngine _engine = TestDatabase.NewEngine();
    private readonly DateTimeOffset _day0;

    public StatementRollupTests()
    {
        _engine.Get<ISchemaService>(_db.Info).Install(null, default);
        var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
        _day0 = new DateTimeOffset(today.AddDays(-6), TimeSpan.Zero);
    }

    public void Dispose() => _db.Dispose();

    private sealed record Key(uint Dbid, uint Userid, long QueryId, bool Toplevel);

    private sealed record Row(DateTimeOffset At, Key Key, long Calls, double ExecMs, double SumSq, double PlanMs, long Rows,
        long Hit, long Read, long TempWritten, long Wal, bool Reset);

    private sealed record Sums(long Calls, double ExecMs, double SumSq, double PlanMs, long Rows, long Hit, long Read,
        long TempWritten, long Wal, bool Reset);

    private static readonly Key A = new(1, 10, 100, true), B = new(1, 10, 200, true), C = new(1, 10, 300, true),
        D = new(1, 10, 400, true), E = new(2, 11, 100, false), F = new(1, 10, 500, true);

    /// <summary>Five days of hourly snapshots (a few seconds past the hour) for six entries that run in different patterns.</summary>
    private List<Row> History()
    {
        var rng = new Random(14);
        var rows = new List<Row>();
        for (var k = 0; k < 120; k++)
        {
            var at = Snapshot(k);
            int day = k / 24, hour = k % 24;
            var ran = new List<Key> { A };                                  // every snapshot
            if (k % 3 == 0) ran.Add(B);                                     // every third: windows start between its intervals
            if ((day == 1 && hour is >= 3 and <= 5) || (day == 4 && hour is >= 20 and <= 22)) ran.Add(C);  // two bursts days apart
            if (k % 5 == 0) ran.Add(D);                                     // every fifth, one interval a reset
            if (day >= 2 && k % 2 == 0) ran.Add(E);                          // same queryid as A, other database, user and level
            if (k == 0) ran.Add(F);                                         // once, on the first day only
            foreach (var key in ran)
                rows.Add(new Row(at, key, rng.Next(1, 200), rng.Next(1, 400_000) / 4.0, rng.Next(1, 8_000_000) / 8.0,
                    rng.Next(0, 1000) / 2.0, rng.Next(0, 1000), rng.Next(0, 5000), rng.Next(0, 500), rng.Next(0, 50),
                    rng.Next(0, 1 << 20), key == D && k == 50));
        }
        return rows;
    }

    private DateTimeOffset Snapshot(int k) => _day0.AddHours(k).AddSeconds(5 + k % 7);

    /// <summary>Windows (since, until] that start and end mid-day, on a snapshot, span days, hold a reset, hold nothing.</summary>
    private IEnumerable<(DateTimeOffset Since, DateTimeOffset Until)> Windows()
    {
        var d = _day0;
        yield return (d.AddDays(1).AddHours(10.5), d.AddDays(2).AddHours(13.33));            // mid-day to mid-day, spans a day
        yield return (Snapshot(51), Snapshot(56));                                            // exactly on snapshots
        yield return (d.AddDays(1).AddHours(4), d.AddDays(4).AddHours(21));                   // inside both of C's bursts
        yield return (d.AddDays(2).AddHours(1.5), d.AddDays(2).AddHours(3.5));               // D's reset interval
        yield return (d.AddDays(1).AddHours(2.2), d.AddDays(1).AddHours(2.8));               // no snapshot at all
        yield return (d.AddDays(-3), d.AddDays(3).AddHours(7.75));                           // starts before any history
        yield return (d.AddDays(3).AddHours(12), d.AddDays(4).AddHours(12));                 // 24 h, same hour
        yield return (d.AddDays(3).AddHours(6), DateTimeOffset.UtcNow);                       // to now
        yield return (d.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));                       // everything
        yield return (d.AddDays(0).AddHours(0.5), d.AddDays(1).AddHours(23.9));               // after F, before E
    }

    private static Dictionary<Key, Sums> Expected(IEnumerable<Row> rows, DateTimeOffset since, DateTimeOffset until) =>
        rows.Where(r => r.At > since && r.At <= until)
            .GroupBy(r => r.Key)
            .ToDictionary(g => g.Key, g => new Sums(g.Sum(r => r.Calls), g.Sum(r => r.ExecMs), g.Sum(r => r.SumSq), g.Sum(r => r.PlanMs),
                g.Sum(r => r.Rows), g.Sum(r => r.Hit), g.Sum(r => r.Read), g.Sum(r => r.TempWritten), g.Sum(r => r.Wal), g.Any(r => r.Reset)));

    private Dictionary<Key, Sums> Window(DateTimeOffset since, DateTimeOffset until)
    {
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows, shared_blks_hit, " +
            "shared_blks_read, temp_blks_written, wal_bytes, counters_reset FROM pgperf.statement_window(@since, @until)", connection);
        command.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, since.UtcDateTime);
        command.Parameters.AddWithValue("until", NpgsqlDbType.TimestampTz, until.UtcDateTime);
        using var reader = command.ExecuteReader();
        var result = new Dictionary<Key, Sums>();
        while (reader.Read())
            result.Add(new Key(reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1), reader.GetInt64(2), reader.GetBoolean(3)),
                new Sums(reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetInt64(8),
                    reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetBoolean(13)));
        return result;
    }

    private void Insert(IEnumerable<Row> rows)
    {
        var list = rows.ToList();
        using var connection = new NpgsqlConnection(_db.ConnectionString);
        connection.Open();
        using (var partitions = new NpgsqlCommand("SELECT pgperf.ensure_statement_history_partitions(@days)", connection))
        {
            partitions.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.Date, list.Select(r => DateOnly.FromDateTime(r.At.UtcDateTime)).Distinct().ToArray());
            partitions.ExecuteNonQuery();
        }
        using var command = new NpgsqlCommand("""
            INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms,
                rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written,
                blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes, counters_reset)
            SELECT at, dbid, userid, queryid, toplevel, calls, exec, sq, plan, nrows, hit, rd, 0, 0, 0, tw, 0, 0, 0, wal, rst
              FROM unnest(@at, @dbid, @userid, @queryid, @toplevel, @calls, @exec, @sq, @plan, @nrows, @hit, @rd, @tw, @wal, @rst)
                   AS u(at, dbid, userid, queryid, toplevel, calls, exec, sq, plan, nrows, hit, rd, tw, wal, rst)
            """, connection);
        command.Parameters.AddWithValue("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, list.Select(r => r.At.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("dbid", NpgsqlDbType.Array | NpgsqlDbType.Oid, list.Select(r => r.Key.Dbid).ToArray());
        command.Parameters.AddWithValue("userid", NpgsqlDbType.Array | NpgsqlDbType.Oid, list.Select(r => r.Key.Userid).ToArray());
        command.Parameters.AddWithValue("queryid", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Key.QueryId).ToArray());
        command.Parameters.AddWithValue("toplevel", NpgsqlDbType.Array | NpgsqlDbType.Boolean, list.Select(r => r.Key.Toplevel).ToArray());
        command.Parameters.AddWithValue("calls", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Calls).ToArray());
        command.Parameters.AddWithValue("exec", NpgsqlDbType.Array | NpgsqlDbType.Double, list.Select(r => r.ExecMs).ToArray());
        command.Parameters.AddWithValue("sq", NpgsqlDbType.Array | NpgsqlDbType.Double, list.Select(r => r.SumSq).ToArray());
        command.Parameters.AddWithValue("plan", NpgsqlDbType.Array | NpgsqlDbType.Double, list.Select(r => r.PlanMs).ToArray());
        command.Parameters.AddWithValue("nrows", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Rows).ToArray());
        command.Parameters.AddWithValue("hit", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Hit).ToArray());
        command.Parameters.AddWithValue("rd", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Read).ToArray());
        command.Parameters.AddWithValue("tw", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.TempWritten).ToArray());
        command.Parameters.AddWithValue("wal", NpgsqlDbType.Array | NpgsqlDbType.Bigint, list.Select(r => r.Wal).ToArray());
        command.Parameters.AddWithValue("rst", NpgsqlDbType.Array | NpgsqlDbType.Boolean, list.Select(r => r.Reset).ToArray());
        command.ExecuteNonQuery();
    }

    private void AssertEveryWindow(List<Row> rows)
    {
        foreach (var (since, until) in Windows())
        {
            var expected = Expected(rows, since, until);
            var actual = Window(since, until);
            Assert.True(expected.OrderBy(e => e.Key.QueryId).ThenBy(e => e.Key.Dbid).SequenceEqual(actual.OrderBy(e => e.Key.QueryId).ThenBy(e => e.Key.Dbid)),
                $"window ({since:u}, {until:u}]: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    private static string Show(Dictionary<Key, Sums> sums) =>
        string.Join("; ", sums.OrderBy(e => e.Key.QueryId).ThenBy(e => e.Key.Dbid).Select(e => $"{e.Key} => {e.Value}"));

    [Fact]
    public void Windows_equal_the_sums_of_their_hourly_rows_whatever_order_rows_arrive_in_and_after_rows_are_deleted()
    {
        var rows = History();
        // Days 2-4 first, then days 0-1 behind them (history written out of order), each in one statement.
        Insert(rows.Where(r => r.At >= _day0.AddDays(2)));
        Insert(rows.Where(r => r.At < _day0.AddDays(2)));
        Assert.Contains(rows, r => r.Reset);
        Assert.True(Expected(rows, Windows().First().Since, Windows().First().Until).Count >= 4, "the first window holds most entries");
        AssertEveryWindow(rows);

        // A repair by hand: B's intervals of day 3 deleted.
        _db.Execute($"DELETE FROM pgperf.statement_history WHERE queryid = 200 AND captured_at >= '{_day0.AddDays(3):O}' AND captured_at < '{_day0.AddDays(4):O}'");
        rows.RemoveAll(r => r.Key == B && r.At >= _day0.AddDays(3) && r.At < _day0.AddDays(4));
        AssertEveryWindow(rows);

        // The daily rollup holds each day's sums.
        for (var day = 0; day < 5; day++)
        {
            var start = _day0.AddDays(day);
            var expectedDay = Expected(rows, start.AddTicks(-1), start.AddDays(1).AddTicks(-1));
            var calls = _db.Scalar<long>($"SELECT coalesce(sum(calls), 0) FROM pgperf.statement_daily WHERE day = '{start:yyyy-MM-dd}'");
            Assert.Equal(expectedDay.Values.Sum(s => s.Calls), calls);
            Assert.Equal(expectedDay.Count, _db.Scalar<long>($"SELECT count(*) FROM pgperf.statement_daily WHERE day = '{start:yyyy-MM-dd}'"));
        }
    }

    [Fact]
    public void Windows_equal_the_sums_of_the_kept_rows_after_retention_drops_days()
    {
        var rows = History();
        foreach (var day in rows.GroupBy(r => r.At.UtcDateTime.Date))
            Insert(day);                                               // a day at a time, in order, as the captures write them
        var cutoff = _day0.AddDays(2);
        var (dropped, partitions) = new StatementPartitions(new PgServerContext(_db.Info)).DropBefore(cutoff, default);
        Assert.Equal(2, partitions);
        Assert.Equal(rows.Count(r => r.At < cutoff), dropped);
        rows.RemoveAll(r => r.At < cutoff);

        AssertEveryWindow(rows);
        Assert.Equal(0, _db.Scalar<long>($"SELECT count(*) FROM pgperf.statement_daily WHERE day < '{cutoff:yyyy-MM-dd}'"));
        // F ran on the first day only: nothing of it is left.
        Assert.Equal(0, _db.Scalar<long>("SELECT count(*) FROM pgperf.statement_running WHERE queryid = 500"));
        Assert.Equal(5, _db.Scalar<long>("SELECT count(*) FROM pgperf.statement_running"));
    }

    [Fact]
    public void Captures_keep_the_running_totals_daily_rollup_and_latest_totals_equal_to_the_sums_of_their_rows()
    {
        var statements = _engine.Get<IStatementService>(_db.Info);
        _db.Execute("CREATE TABLE rollup_items (id int PRIMARY KEY, v text); INSERT INTO rollup_items SELECT g, g::text FROM generate_series(1, 500) g");
        statements.CaptureSnapshot(default);                           // the baseline
        var captures = new List<DateTimeOffset>();
        for (var round = 1; round <= 4; round++)
        {
            var sql = string.Join(";", Enumerable.Range(0, round * 3).Select(i => $"SELECT v FROM rollup_items WHERE id = {i}"))
                + (round % 2 == 0 ? ";SELECT count(*) FROM rollup_items WHERE v LIKE '1%'" : "");
            _db.Execute(sql);
            captures.Add(statements.CaptureSnapshot(default).CapturedAt);
        }
        // The rows the captures wrote, read raw (deltas only), summed here.
        var rows = new List<Row>();
        using (var connection = new NpgsqlConnection(_db.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows, " +
                "shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, counters_reset FROM pgperf.statement_history", connection);
            using var reader = command.ExecuteReader();
            while (reader.Read())
                rows.Add(new Row(new DateTimeOffset(reader.GetFieldValue<DateTime>(0)),
                    new Key(reader.GetFieldValue<uint>(1), reader.GetFieldValue<uint>(2), reader.GetInt64(3), reader.GetBoolean(4)),
                    reader.GetInt64(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetInt64(9), reader.GetInt64(10),
                    reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13), reader.GetBoolean(14)));
        }
        Assert.True(rows.Select(r => r.At).Distinct().Count() >= 4, "every capture wrote history");
        var ownQuery = _db.Scalar<long>("SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT v FROM rollup_items WHERE id = $1' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        Assert.Equal(4, rows.Count(r => r.Key.QueryId == ownQuery));

        // Windows between the captures, from the first one, and over all of them; real times are not multiples of
        // 1/8, so times are compared to a relative 1e-9 (integers exactly).
        var windows = new[] { (captures[0], captures[2]), (captures[0].AddMilliseconds(-1), captures[3]), (captures[1].AddMilliseconds(1), DateTimeOffset.UtcNow.AddMinutes(1)) };
        foreach (var (since, until) in windows)
        {
            var expected = Expected(rows, since, until);
            var actual = Window(since, until);
            Assert.Equal(expected.Keys.OrderBy(k => k.QueryId).ThenBy(k => k.Dbid).ThenBy(k => k.Userid).ThenBy(k => k.Toplevel),
                actual.Keys.OrderBy(k => k.QueryId).ThenBy(k => k.Dbid).ThenBy(k => k.Userid).ThenBy(k => k.Toplevel));
            foreach (var (key, e) in expected)
            {
                var a = actual[key];
                Assert.Equal(e with { ExecMs = 0, SumSq = 0, PlanMs = 0 }, a with { ExecMs = 0, SumSq = 0, PlanMs = 0 });
                AssertClose(e.ExecMs, a.ExecMs);
                AssertClose(e.SumSq, a.SumSq);
                AssertClose(e.PlanMs, a.PlanMs);
            }
        }

        // The top list reads the same window through the Engine.
        var top = statements.GetTop(new StatementTopOptions { Since = captures[0], Until = captures[3], QueryIds = new[] { ownQuery }, Top = 0 }, default);
        var own = Expected(rows, captures[0], captures[3]).Where(e => e.Key.QueryId == ownQuery).Select(e => e.Value).Single();
        Assert.Equal(own.Calls, top.Single().Calls);
        Assert.Equal(2 * 3 + 3 * 3 + 4 * 3, own.Calls);
        AssertClose(own.ExecMs, top.Single().TotalTimeMs);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
