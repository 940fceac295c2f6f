using System.Data;
using Dapper;
using Npgsql;

namespace PgPerf.Tests.Index;

/// <summary>
/// The reference the tests hold Get-PgUnusedIndex to: every raw reading of the look-back window judged by
/// <see cref="IndexUsageVerdict.Assess"/>. Slow on long histories (it reads them whole), so it lives here and not in
/// the module, which judges the steps stored at capture time.
/// </summary>
internal static class UnusedIndexReference
{
    // Every user index now, with its flags (what IndexService reads through index_summary.sql, without the steps).
    private const string CurrentIndexes = """
        SELECT c.schemaname AS "Schema", c.tablename AS "Table", c.indexname AS "Index", c.index_size_bytes AS "SizeBytes",
               c.is_unique AS "IsUnique", c.is_primary AS "IsPrimary", (c.is_constraint OR c.is_replica_identity) AS "IsConstraint",
               (SELECT min(s.captured_at) FROM pgperf.index_usage_snapshots s WHERE s.captured_at >= @since AND s.captured_at < now()) AS "MonitoringStartedAt",
               now() AS "Now"
          FROM pgperf.index_usage_current() c
         ORDER BY c.schemaname, c.tablename, c.indexname
        """;

    // Raw readings (history since @since plus the live one) of every index that exists now.
    private const string Readings = """
        SELECT schemaname AS "Schema", indexname AS "Index", captured_at AS "CapturedAt",
               idx_scan AS "Scans", idx_tup_read AS "TuplesRead", idx_tup_fetch AS "TuplesFetched",
               stats_reset AS "StatsReset", server_started_at AS "ServerStartedAt", last_idx_scan AS "LastScanAt"
          FROM pgperf.index_usage_points(@since)
         ORDER BY schemaname, indexname, captured_at
        """;

    public static IReadOnlyList<PgUnusedIndex> FromReadings(string connectionString, PgUnusedIndexOptions options, DateTime since)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        List<CurrentRow> indexes;
        List<PointRow> points;
        // One repeatable-read transaction: the history, the live readings and now() agree with each other.
        using (var tx = connection.BeginTransaction(IsolationLevel.RepeatableRead))
        {
            indexes = connection.Query<CurrentRow>(CurrentIndexes, new { since }, tx).ToList();
            points = connection.Query<PointRow>(Readings, new { since }, tx).ToList();
            tx.Commit();
        }

        var history = points.GroupBy(p => (p.Schema, p.Index)).ToDictionary(g => g.Key, g => g.Select(p => new IndexUsagePoint
        {
            CapturedAt = Utc(p.CapturedAt), Scans = p.Scans, TuplesRead = p.TuplesRead, TuplesFetched = p.TuplesFetched,
            StatsReset = p.StatsReset is { } r ? Utc(r) : null, ServerStartedAt = p.ServerStartedAt is { } s ? Utc(s) : null,
            LastScanAt = p.LastScanAt is { } l ? Utc(l) : null,
        }).ToList());
        var result = new List<PgUnusedIndex>(indexes.Count);
        foreach (var ix in indexes)
        {
            if ((ix.IsConstraint || ix.IsUnique || ix.IsPrimary) && !options.IncludeConstraintIndexes)
                continue;
            var a = IndexUsageVerdict.Assess(
                history.TryGetValue((ix.Schema, ix.Index), out var h) ? h : new List<IndexUsagePoint>(),
                ix.MonitoringStartedAt is { } m ? Utc(m) : null, Utc(ix.Now), ix.SizeBytes, options.MinDaysUnused, options.IgnoreStatsAge);
            result.Add(new PgUnusedIndex
            {
                Schema = ix.Schema, Table = ix.Table, Index = ix.Index, SizeBytes = ix.SizeBytes,
                DaysSinceLastScan = a.DaysSinceLastScan, ScansInWindow = a.ScansInWindow, ObservedDays = a.ObservedDays, BlindDays = a.BlindDays,
                BlindGaps = a.BlindGaps, ObservedSince = a.ObservedSince, LastScanAt = a.LastScanAt, Status = a.Status,
                IsUnique = ix.IsUnique, IsPrimary = ix.IsPrimary, IsConstraint = ix.IsConstraint,
            });
        }
        return result;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed class CurrentRow
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string Index { get; set; } = "";
        public long SizeBytes { get; set; }
        public bool IsUnique { get; set; }
        public bool IsPrimary { get; set; }
        public bool IsConstraint { get; set; }
        public DateTime? MonitoringStartedAt { get; set; }
        public DateTime Now { get; set; }
    }

    private sealed class PointRow
    {
        public string Schema { get; set; } = "";
        public string Index { get; set; } = "";
        public DateTime CapturedAt { get; set; }
        public long Scans { get; set; }
        public long TuplesRead { get; set; }
        public long TuplesFetched { get; set; }
        public DateTime? StatsReset { get; set; }
        public DateTime? ServerStartedAt { get; set; }
        public DateTime? LastScanAt { get; set; }
    }
}
