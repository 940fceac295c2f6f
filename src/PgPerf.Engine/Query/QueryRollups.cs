using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Query;

/// <summary>
/// Hourly and daily rollups per query hash (migration 008): built incrementally from the hours the log's
/// trigger marked, and read by Get-PgQueryStat for the whole hours and days of a window.
/// </summary>
internal sealed class QueryRollups
{
    internal static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    internal static readonly TimeSpan Day = TimeSpan.FromDays(1);

    // Hours rebuilt per read of the raw log (bounds memory: about one day of rows at a time).
    private const int HoursPerChunk = 24;

    // How long the job waits for writers that were running when it took the marks (see Refresh).
    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(10);

    private readonly PgServerContext _context;

    public QueryRollups(PgServerContext context) => _context = context;

    /// <summary>Rebuilds the marked hours and their days. Returns the number of hours rebuilt.</summary>
    public int Refresh(CancellationToken cancellationToken) => _context.Run(async connection =>
    {
        // 1. Take the marks into the pending table (with what a run that died left there). Only committed marks
        // move; a writer still running keeps its own mark for the next run.
        await using (var take = new NpgsqlCommand(
            "WITH taken AS (DELETE FROM pgperf.query_log_dirty_hours RETURNING hour) " +
            "INSERT INTO pgperf.query_log_rollup_pending (hour) SELECT hour FROM taken ON CONFLICT DO NOTHING", connection))
            await take.ExecuteNonQueryAsync(cancellationToken);
        var hours = new List<DateTime>();
        await using (var pending = new NpgsqlCommand("SELECT hour FROM pgperf.query_log_rollup_pending", connection))
        await using (var reader = await pending.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                hours.Add(reader.GetDateTime(0));
        if (hours.Count == 0) return 0;
        hours.Sort();

        // 2. A writer whose mark already existed (ON CONFLICT DO NOTHING) relies on the mark just taken; it was
        // running when the marks went, so wait for every transaction running now to end before reading rows.
        // If one does not end in time, the hours stay pending after the rebuild (read raw, redone next run).
        var settled = await WaitForRunningTransactionsAsync(connection, cancellationToken);

        // 3. Rebuild hourly rows from raw rows, a chunk of contiguous hours at a time.
        foreach (var chunk in Chunks(hours))
            await RebuildHoursAsync(connection, chunk, cancellationToken);

        // 4. Rebuild the days those hours belong to from their hourly rows.
        var days = hours.Select(h => h.Date).Distinct().ToList();
        await RebuildDaysAsync(connection, days, cancellationToken);

        if (settled)
        {
            await using var done = new NpgsqlCommand("DELETE FROM pgperf.query_log_rollup_pending WHERE hour = ANY (@h)", connection);
            done.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, hours.ToArray());
            await done.ExecuteNonQueryAsync(cancellationToken);
        }
        return hours.Count;
    }, cancellationToken);

    private static async Task<bool> WaitForRunningTransactionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var xids = new List<ulong>();
        await using (var snap = new NpgsqlCommand("SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x", connection))
        await using (var reader = await snap.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                xids.Add(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture));
        if (xids.Count == 0) return true;
        var deadline = DateTime.UtcNow + WriterWait;
        while (true)
        {
            await using var check = new NpgsqlCommand("SELECT count(*) FROM unnest(@x::text[]) x WHERE pg_xact_status(x::xid8) = 'in progress'", connection);
            check.Parameters.AddWithValue("x", NpgsqlDbType.Array | NpgsqlDbType.Text, xids.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! == 0) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50, cancellationToken);
        }
    }

    private static IEnumerable<List<DateTime>> Chunks(List<DateTime> hours)
    {
        var chunk = new List<DateTime>();
        foreach (var h in hours)
        {
            if (chunk.Count > 0 && (h - chunk[0] >= TimeSpan.FromHours(HoursPerChunk)))
            {
                yield return chunk;
                chunk = new List<DateTime>();
            }
            chunk.Add(h);
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private static async Task RebuildHoursAsync(NpgsqlConnection connection, List<DateTime> hours, CancellationToken cancellationToken)
    {
        var wanted = hours.ToHashSet();
        var from = hours[0];
        var to = hours[^1] + Hour;
        var digests = new Dictionary<(DateTime Hour, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        var hashes = new HashSet<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00'), coalesce(query_hash, ''), duration_ms, is_error " +
            "FROM pgperf.query_performance_logs WHERE logged_at >= @from AND logged_at < @to", connection))
        {
            read.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, from);
            read.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, to);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var lastHash = "";
            while (await reader.ReadAsync(cancellationToken))
            {
                var hour = reader.GetDateTime(0);
                if (!wanted.Contains(hour)) continue;
                var hash = reader.GetString(1);
                // Intern the few distinct hashes instead of keeping a string per row.
                if (hash != lastHash) { hashes.Add(hash); hashes.TryGetValue(hash, out lastHash!); }
                var key = (hour, lastHash);
                if (!digests.TryGetValue(key, out var d)) d = (new QueryDigest(), 0, 0);
                var ms = reader.GetDouble(2);
                d.Digest.Add(ms);
                if (reader.GetBoolean(3)) d.Errors++;
                if (ms >= QueryThresholds.SlowQueryMs) d.Slow++;
                digests[key] = d;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("DELETE FROM pgperf.query_log_hourly WHERE hour = ANY (@h)", connection, transaction))
        {
            clear.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, hours.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, "pgperf.query_log_hourly (hour, query_hash, total, errors, slow, sum_ms, min_ms, max_ms, digest)",
            digests.Select(kv => (kv.Key.Hour, (string?)kv.Key.Hash, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
        await ReplaceAllQueriesAsync(connection, transaction, "query_log_hourly_all", "hour", hours, digests, cancellationToken);

        // A sample text for each hash not seen before (one indexed lookup per new hash).
        var newHashes = hashes.Where(h => h.Length > 0).ToArray();
        if (newHashes.Length > 0)
        {
            await using var texts = new NpgsqlCommand(
                "INSERT INTO pgperf.query_log_texts (query_hash, query_text) " +
                "SELECT h, s.query_text FROM unnest(@hashes::text[]) h " +
                "CROSS JOIN LATERAL (SELECT query_text FROM pgperf.query_performance_logs l WHERE l.logged_at >= @from AND l.logged_at < @to AND l.query_hash = h LIMIT 1) s " +
                "WHERE NOT EXISTS (SELECT 1 FROM pgperf.query_log_texts t WHERE t.query_hash = h) ON CONFLICT DO NOTHING", connection, transaction);
            texts.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, newHashes);
            texts.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, from);
            texts.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, to);
            await texts.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task RebuildDaysAsync(NpgsqlConnection connection, List<DateTime> days, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<(DateTime Day, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        await using (var read = new NpgsqlCommand(
            "SELECT date_bin('1 day', hour, timestamptz '2000-01-01 00:00+00'), query_hash, total, errors, slow, sum_ms, min_ms, max_ms, digest " +
            "FROM pgperf.query_log_hourly h JOIN unnest(@days::timestamptz[]) d (day) ON h.hour >= d.day AND h.hour < d.day + interval '1 day'", connection))
        {
            read.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, days.ToArray());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetDateTime(0), reader.GetString(1));
                if (!digests.TryGetValue(key, out var d)) d = (new QueryDigest(), 0, 0);
                d.Digest.MergePacked(reader.GetFieldValue<byte[]>(8), reader.GetInt64(2), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7));
                d.Errors += reader.GetInt64(3);
                d.Slow += reader.GetInt64(4);
                digests[key] = d;
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand("DELETE FROM pgperf.query_log_daily WHERE day = ANY (@d)", connection, transaction))
        {
            clear.Parameters.AddWithValue("d", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, days.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, "pgperf.query_log_daily (day, query_hash, total, errors, slow, sum_ms, min_ms, max_ms, digest)",
            digests.Select(kv => (kv.Key.Day, (string?)kv.Key.Hash, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
        await ReplaceAllQueriesAsync(connection, transaction, "query_log_daily_all", "day", days, digests, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Replaces the all-queries rows (migration 011) of these hours or days with the merge of their per-query digests.</summary>
    private static async Task ReplaceAllQueriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string column, List<DateTime> periods,
        Dictionary<(DateTime At, string Hash), (QueryDigest Digest, long Errors, long Slow)> perQuery, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<DateTime, (QueryDigest Digest, long Errors, long Slow)>();
        foreach (var ((at, _), d) in perQuery)
        {
            if (!merged.TryGetValue(at, out var m)) m = (new QueryDigest(), 0, 0);
            m.Digest.Merge(d.Digest);
            merged[at] = (m.Digest, m.Errors + d.Errors, m.Slow + d.Slow);
        }
        // table and column are fixed names from this class, never user input.
        await using (var clear = new NpgsqlCommand($"DELETE FROM pgperf.{table} WHERE {column} = ANY (@p)", connection, transaction))
        {
            clear.Parameters.AddWithValue("p", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, periods.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, $"pgperf.{table} ({column}, total, errors, slow, sum_ms, min_ms, max_ms, digest)",
            merged.Select(kv => (kv.Key, (string?)null, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
    }

    /// <summary>COPYs rollup rows; a null hash leaves the query_hash column out (the all-queries tables have none).</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string target,
        IEnumerable<(DateTime At, string? Hash, QueryDigest Digest, long Errors, long Slow)> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (at, hash, digest, errors, slow) in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(DateTime.SpecifyKind(at, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, cancellationToken);
            if (hash is not null)
                await importer.WriteAsync(hash, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(digest.Count, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(errors, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(slow, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(digest.Sum, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(digest.Min, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(digest.Max, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(digest.Pack(), NpgsqlDbType.Bytea, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }
}
