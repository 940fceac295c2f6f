using Npgsql;
using NpgsqlTypes;
using PgPerf.Engine.Query;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// What PgPerf does differently by server version (issue 16). Tests whose behaviour depends on the version carry
/// [Trait("Category", "Version")] (Pester: -Tag 'Version'); CI runs them on every major from 13 to 18.
/// </summary>
public class VersionCompatibilityTests
{
    private static readonly DateTime Origin = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    [Trait("Category", "Version")]
    public void Hour_and_day_bins_are_utc_hours_and_days_on_every_version()
    {
        // The rollup trigger bins with date_bin (pg_catalog's on 14+, 018's pgperf.date_bin on 13) and QueryRollups
        // with QueryStatPlan.Floor; 008 marks existing rows with date_trunc(..., 'UTC') because it runs before 018.
        // All must give the UTC hour and day that .NET computes, in a session whose TimeZone is neither UTC nor a
        // whole hour away.
        using var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);
        var random = new Random(16);
        var samples = new List<DateTime>();
        for (var i = 0; i < 2000; i++)
            samples.Add(Origin.AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(36 * 365).Ticks) / 10 * 10));
        // Exact boundaries and a microsecond either side, around DST changes in Europe and the US.
        foreach (var boundary in new[] { Origin, new DateTime(2024, 3, 31, 1, 0, 0, DateTimeKind.Utc), new DateTime(2024, 11, 3, 6, 0, 0, DateTimeKind.Utc), new DateTime(2031, 12, 31, 23, 0, 0, DateTimeKind.Utc) })
            samples.AddRange(new[] { boundary, boundary.AddTicks(-10), boundary.AddTicks(10) });

        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using (var set = new NpgsqlCommand("SET TimeZone = 'Asia/Kathmandu'; SET search_path = pg_catalog, pgperf", connection))
            set.ExecuteNonQuery();
        using var command = new NpgsqlCommand(
            "SELECT date_bin('1 hour', t, timestamptz '2000-01-01 00:00+00'), date_bin('1 day', t, timestamptz '2000-01-01 00:00+00'), " +
            "date_trunc('hour', t, 'UTC') FROM unnest(@t) WITH ORDINALITY u (t, n) ORDER BY n", connection);
        command.Parameters.AddWithValue("t", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, samples.ToArray());
        using var reader = command.ExecuteReader();
        var checkedRows = 0;
        foreach (var t in samples)
        {
            Assert.True(reader.Read());
            var hour = new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
            Assert.Equal((t, hour), (t, reader.GetDateTime(0)));
            Assert.Equal((t, t.Date), (t, reader.GetDateTime(1)));
            Assert.Equal((t, hour), (t, reader.GetDateTime(2)));
            Assert.Equal((t, reader.GetDateTime(0)), (t, QueryStatPlan.Floor(t, QueryRollups.Hour)));
            Assert.Equal((t, reader.GetDateTime(1)), (t, QueryStatPlan.Floor(t, QueryRollups.Day)));
            checkedRows++;
        }
        Assert.Equal(samples.Count, checkedRows);
    }

    [Fact]
    [Trait("Category", "Version")]
    public void The_date_bin_stand_in_exists_only_before_PostgreSQL_14()
    {
        using var db = new TestDatabase();
        TestDatabase.NewEngine().Get<ISchemaService>(db.Info).Install(null, default);
        var version = db.Scalar<int>("SELECT current_setting('server_version_num')::int");
        Assert.Equal(version < 140000, db.Scalar<bool>("SELECT to_regprocedure('pgperf.date_bin(interval, timestamptz, timestamptz)') IS NOT NULL"));
    }

    [MinimumServerVersionFact(16, "pg_stat_user_indexes.last_idx_scan")]
    [Trait("Category", "Version")]
    public void Last_scan_time_is_the_scan_itself_from_PostgreSQL_16_not_the_snapshot_that_saw_it()
    {
        using var db = new TestDatabase();
        var (service, _) = OrdersWithIndex(db);
        service.CaptureSnapshot(default);

        var (scannedAt, publishedAt) = ScanOrdersCustomer(db);
        Thread.Sleep(TimeSpan.FromSeconds(2));
        var second = service.CaptureSnapshot(default);

        var row = service.GetUnusedIndexes(new PgUnusedIndexOptions { IgnoreStatsAge = true }, default).Single(r => r.Index == "orders_customer");
        Assert.Equal(1, row.ScansInWindow);
        // last_idx_scan is stamped when the session publishes its counters (after the scan, before PublishStatistics
        // returns), well before the second snapshot, whose step is where the history saw the scan.
        var lastScan = row.LastScanAt!.Value.UtcDateTime;
        Assert.InRange(lastScan, scannedAt.AddSeconds(-1), publishedAt.AddSeconds(1));
        Assert.True(second.CapturedAt.UtcDateTime - lastScan > TimeSpan.FromSeconds(1), $"last scan {lastScan:O}, snapshot {second.CapturedAt:O}");
    }

    [MinimumServerVersionFact(16, "pg_stat_user_indexes.last_idx_scan")]
    [Trait("Category", "Version")]
    public void Time_since_last_idx_scan_counts_also_before_the_history_began_from_PostgreSQL_16()
    {
        // Scanned, then monitoring begins: the first snapshot already holds the scan. The history alone can only say
        // "scanned at or before the first snapshot"; last_idx_scan says when, and no reset or crash has cleared it
        // since, so the unused time runs from the scan itself.
        using var db = new TestDatabase();
        var (service, _) = OrdersWithIndex(db);
        var (scannedAt, publishedAt) = ScanOrdersCustomer(db);
        Thread.Sleep(TimeSpan.FromSeconds(3));
        var first = service.CaptureSnapshot(default);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        service.CaptureSnapshot(default);

        using var connection = new NpgsqlConnection(db.ConnectionString);
        connection.Open();
        using var tx = connection.BeginTransaction();
        using var command = new NpgsqlCommand(
            "SELECT u.last_seen, u.unused_seconds::float8, now() FROM pgperf.index_usage_summary(now() - interval '1 day', 30) u " +
            "WHERE u.indexname = 'orders_customer'", connection, tx);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var (lastSeen, unusedSeconds, now) = (reader.GetDateTime(0), reader.GetDouble(1), reader.GetDateTime(2));
        Assert.InRange(lastSeen, scannedAt.AddSeconds(-1), publishedAt.AddSeconds(1));
        Assert.True(lastSeen < first.CapturedAt.UtcDateTime, $"last scan {lastSeen:O}, first snapshot {first.CapturedAt:O}");
        // All the time since the scan, not only the observed time since the first snapshot.
        Assert.Equal((now - lastSeen).TotalSeconds, unusedSeconds, 3);
        Assert.True(unusedSeconds > (now - first.CapturedAt.UtcDateTime).TotalSeconds + 2, $"unused {unusedSeconds} s");
    }

    [Fact]
    [Trait("Category", "Version")]
    public void Without_last_idx_scan_the_last_scan_is_the_snapshot_that_saw_it()
    {
        // Before 16 there is no last_idx_scan; from 16 pg_stat_reset() clears it (as a crash does). Either way the
        // history decides: the scan is known from the end of the step that saw it.
        using var db = new TestDatabase();
        var (service, version) = OrdersWithIndex(db);
        service.CaptureSnapshot(default);
        ScanOrdersCustomer(db);
        var second = service.CaptureSnapshot(default);
        const string LastIdxScan = "SELECT l.last_idx_scan::text FROM pgperf.index_last_scan_times() l JOIN pg_class c ON c.oid = l.indexrelid WHERE c.relname = 'orders_customer'";
        if (version >= 160000)
            Assert.NotNull(db.Scalar<string>(LastIdxScan));
        db.Execute("SELECT pg_stat_reset()");
        Assert.Null(db.Scalar<string>(LastIdxScan));

        var row = service.GetUnusedIndexes(new PgUnusedIndexOptions { IgnoreStatsAge = true }, default).Single(r => r.Index == "orders_customer");
        Assert.Equal(second.CapturedAt.UtcDateTime, row.LastScanAt!.Value.UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    private static (IIndexService Service, int ServerVersion) OrdersWithIndex(TestDatabase db)
    {
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        db.Execute("CREATE TABLE orders (id int, customer int); INSERT INTO orders SELECT g, g % 50 FROM generate_series(1, 2000) g; " +
                   "CREATE INDEX orders_customer ON orders (customer); ANALYZE orders");
        return (engine.Get<IIndexService>(db.Info), db.Scalar<int>("SELECT current_setting('server_version_num')::int"));
    }

    /// <summary>One index scan of orders_customer in its own session, published; when it ran and when it was published.</summary>
    private static (DateTime ScannedAt, DateTime PublishedAt) ScanOrdersCustomer(TestDatabase db)
    {
        DateTime scannedAt;
        using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString))
        {
            connection.Open();
            using (var scan = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM orders WHERE customer = 7", connection))
                scan.ExecuteScalar();
            using (var now = new NpgsqlCommand("SELECT clock_timestamp()", connection))
                scannedAt = (DateTime)now.ExecuteScalar()!;
            TestDatabase.PublishStatistics(connection);
        }
        return (scannedAt, DateTime.UtcNow);
    }

    [Fact]
    [Trait("Category", "Version")]
    public void Unique_twins_are_duplicates_unless_one_treats_nulls_as_equal_from_PostgreSQL_15()
    {
        using var db = new TestDatabase();
        var engine = TestDatabase.NewEngine();
        engine.Get<ISchemaService>(db.Info).Install(null, default);
        var nullsNotDistinct = db.Scalar<int>("SELECT current_setting('server_version_num')::int") >= 150000;
        db.Execute("CREATE TABLE accounts (email text, phone text); CREATE UNIQUE INDEX accounts_email_a ON accounts (email); " +
                   "CREATE UNIQUE INDEX accounts_email_b ON accounts (email); CREATE UNIQUE INDEX accounts_phone ON accounts (phone)");
        if (nullsNotDistinct)
            db.Execute("CREATE UNIQUE INDEX accounts_phone_nnd ON accounts (phone) NULLS NOT DISTINCT");

        var duplicates = engine.Get<IIndexService>(db.Info).GetDuplicates(default);
        // Two plain unique indexes on one column are twins on every version ...
        Assert.Equal(("accounts_email_b", "accounts_email_a"), (duplicates.Single(d => d.Table == "accounts" && d.Index.StartsWith("accounts_email")).Index,
            duplicates.Single(d => d.Table == "accounts" && d.Index.StartsWith("accounts_email")).CoveredBy));
        // ... but NULLS NOT DISTINCT (15+) enforces more than plain UNIQUE, so neither stands in for the other.
        Assert.DoesNotContain(duplicates, d => d.Index.StartsWith("accounts_phone"));
    }

    [Fact]
    public void A_schema_installed_from_the_text_of_008_before_its_PostgreSQL_13_edit_is_not_reported_modified()
    {
        using var db = new TestDatabase();
        var schema = TestDatabase.NewEngine().Get<ISchemaService>(db.Info);
        schema.Install(null, default);
        db.Execute("UPDATE pgperf.schema_migrations SET checksum = '4b471a5f7deb2a03' WHERE version = 8");
        Assert.Empty(schema.GetStatus(default).Modified);
        db.Execute("UPDATE pgperf.schema_migrations SET checksum = '0123456789abcdef' WHERE version = 8");
        Assert.Equal(new[] { 8 }, schema.GetStatus(default).Modified.Select(m => m.Version));
    }
}
