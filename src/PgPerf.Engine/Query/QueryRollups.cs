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

    /// <summary>
    /// Rebuilds the marked hours, their days and the blocks that hold them, of every server whose rows changed (a
    /// repository holds the query logs of its registered servers, migration 036; each is rebuilt on its own). Readers
    /// treat the hours as dirty until the last step (the pending marks stay until then), so a block is never read half
    /// rebuilt. With <paramref name="serverId"/> only that server's hours (a repository's hourly job, per server).
    /// Returns how many hours were rebuilt.
    /// </summary>
    public int Refresh(CancellationToken cancellationToken, int? serverId = null) => _context.Run(async connection =>
    {
        // 1. Take the marks into the pending table (with what a run that died left there). Only committed marks
        // move; a writer still running keeps its own mark for the next run.
        await using (var take = new NpgsqlCommand(SqlResources.Get("queries/rollup_take_marks.sql"), connection))
        {
            take.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, (object?)serverId ?? DBNull.Value);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        var pendingByServer = new SortedDictionary<int, List<DateTime>>();
        await using (var pending = new NpgsqlCommand(SqlResources.Get("queries/rollup_pending_hours.sql"), connection))
        {
            pending.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, (object?)serverId ?? DBNull.Value);
            await using var reader = await pending.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!pendingByServer.TryGetValue(reader.GetInt32(0), out var list))
                    pendingByServer[reader.GetInt32(0)] = list = new List<DateTime>();
                list.Add(reader.GetDateTime(1));
            }
        }
        if (pendingByServer.Count == 0) return 0;

        // 2. A writer whose mark already existed (ON CONFLICT DO NOTHING) relies on the mark just taken; it was
        // running when the marks went, so wait for every transaction running now to end before reading rows.
        // If one does not end in time, the hours stay pending after the rebuild (read raw, redone next run).
        var settled = await WaitForRunningTransactionsAsync(connection, cancellationToken);

        var rebuilt = 0;
        foreach (var (serverId, hours) in pendingByServer)
        {
            hours.Sort();
            // 3. Rebuild hourly rows from raw rows, a chunk of contiguous hours at a time.
            foreach (var chunk in Chunks(hours))
                await RebuildHoursAsync(connection, serverId, chunk, cancellationToken);

            // 4. Rebuild the days those hours belong to from their hourly rows.
            var days = hours.Select(h => h.Date).Distinct().ToList();
            await RebuildDaysAsync(connection, serverId, days, cancellationToken);
            await RebuildDayBlocksAsync(connection, serverId, days, cancellationToken);

            if (settled)
            {
                await using var done = new NpgsqlCommand(SqlResources.Get("queries/rollup_pending_done.sql"), connection);
                done.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
                done.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, hours.ToArray());
                await done.ExecuteNonQueryAsync(cancellationToken);
            }
            rebuilt += hours.Count;
        }
        return rebuilt;
    }, cancellationToken);

    private static async Task<bool> WaitForRunningTransactionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var xids = new List<ulong>();
        await using (var snap = new NpgsqlCommand(SqlResources.Get("queries/rollup_running_xids.sql"), connection))
        await using (var reader = await snap.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                xids.Add(ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture));
        if (xids.Count == 0) return true;
        var deadline = DateTime.UtcNow + WriterWait;
        while (true)
        {
            await using var check = new NpgsqlCommand(SqlResources.Get("queries/rollup_xids_in_progress.sql"), connection);
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

    private static async Task RebuildHoursAsync(NpgsqlConnection connection, int serverId, List<DateTime> hours, CancellationToken cancellationToken)
    {
        var wanted = hours.ToHashSet();
        var from = hours[0];
        var to = hours[^1] + Hour;
        var digests = new Dictionary<(DateTime Hour, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        var hashes = new HashSet<string>();
        await using (var read = new NpgsqlCommand(SqlResources.Get("queries/rollup_raw_rows.sql"), connection))
        {
            read.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            read.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, from);
            read.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, to);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var lastHash = "";
            while (await reader.ReadAsync(cancellationToken))
            {
                // UTC hours from 2000-01-01, as the log's trigger (008) bins them with date_bin.
                var hour = QueryStatPlan.Floor(reader.GetDateTime(0), Hour);
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
        await using (var clear = new NpgsqlCommand(SqlResources.Get("queries/rollup_clear_hourly.sql"), connection, transaction))
        {
            clear.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            clear.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, hours.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, serverId, "rollup_copy_hourly",
            digests.Select(kv => (kv.Key.Hour, (string?)kv.Key.Hash, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
        await ReplaceAllQueriesAsync(connection, transaction, serverId, "rollup_clear_hourly_all", "rollup_copy_hourly_all", hours, digests, cancellationToken);

        // A sample text for each hash not seen before (one indexed lookup per new hash).
        var newHashes = hashes.Where(h => h.Length > 0).ToArray();
        if (newHashes.Length > 0)
        {
            await using var texts = new NpgsqlCommand(SqlResources.Get("queries/rollup_sample_texts.sql"), connection, transaction);
            texts.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            texts.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, newHashes);
            texts.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, from);
            texts.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, to);
            await texts.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Rebuilds the daily rows of these days and their hour blocks (2, 4 and 8 hours) from the hourly rows.</summary>
    private static async Task RebuildDaysAsync(NpgsqlConnection connection, int serverId, List<DateTime> days, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<(DateTime Day, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        var blocks = new Dictionary<(DateTime Start, int Hours, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        await using (var read = new NpgsqlCommand(SqlResources.Get("queries/rollup_hourly_of_days.sql"), connection))
        {
            read.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            read.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, days.ToArray());
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var hash = reader.GetString(1);
                var packed = reader.GetFieldValue<byte[]>(8);
                var (total, errors, slow, sum, min, max) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7));
                var hour = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc);
                Add(digests, (QueryStatPlan.Floor(hour, Day), hash), packed, total, errors, slow, sum, min, max);
                foreach (var span in QueryStatPlan.HourBlockSpans)
                    Add(blocks, (QueryStatPlan.Floor(hour, TimeSpan.FromHours(span)), span, hash), packed, total, errors, slow, sum, min, max);
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand(SqlResources.Get("queries/rollup_clear_daily.sql"), connection, transaction))
        {
            clear.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            clear.Parameters.AddWithValue("d", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, days.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, serverId, "rollup_copy_daily",
            digests.Select(kv => (kv.Key.Day, (string?)kv.Key.Hash, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
        await ReplaceAllQueriesAsync(connection, transaction, serverId, "rollup_clear_daily_all", "rollup_copy_daily_all", days, digests, cancellationToken);
        await using (var clear = new NpgsqlCommand(SqlResources.Get("queries/rollup_clear_hour_blocks.sql"), connection, transaction))
        {
            clear.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            clear.Parameters.AddWithValue("d", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, days.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyBlocksAsync(connection, serverId, blocks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Rebuilds the day blocks (2, 4, 8 and 16 days from 2000-01-01) that hold any of these days, from the daily rows.</summary>
    private static async Task RebuildDayBlocksAsync(NpgsqlConnection connection, int serverId, List<DateTime> days, CancellationToken cancellationToken)
    {
        var wanted = days.SelectMany(d => QueryStatPlan.DayBlockSpans.Select(span => (Start: QueryStatPlan.Floor(d, TimeSpan.FromDays(span)), Span: span))).ToHashSet();
        var blocks = new Dictionary<(DateTime Start, int Hours, string Hash), (QueryDigest Digest, long Errors, long Slow)>();
        await using (var read = new NpgsqlCommand(SqlResources.Get("queries/rollup_daily_range.sql"), connection))
        {
            read.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            read.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, wanted.Min(w => w.Start));
            read.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, wanted.Max(w => w.Start.AddDays(w.Span)));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var day = DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc);
                var packed = reader.GetFieldValue<byte[]>(8);
                foreach (var span in QueryStatPlan.DayBlockSpans)
                {
                    var start = QueryStatPlan.Floor(day, TimeSpan.FromDays(span));
                    if (wanted.Contains((start, span)))
                        Add(blocks, (start, span * 24, reader.GetString(1)), packed, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7));
                }
            }
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand(SqlResources.Get("queries/rollup_clear_blocks.sql"), connection, transaction))
        {
            clear.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            clear.Parameters.AddWithValue("s", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, wanted.Select(w => w.Start).ToArray());
            clear.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.Integer, wanted.Select(w => w.Span * 24).ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyBlocksAsync(connection, serverId, blocks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static void Add<TKey>(Dictionary<TKey, (QueryDigest Digest, long Errors, long Slow)> digests, TKey key, byte[] packed,
        long total, long errors, long slow, double sum, double min, double max) where TKey : notnull
    {
        if (!digests.TryGetValue(key, out var d)) d = (new QueryDigest(), 0, 0);
        d.Digest.MergePacked(packed, total, sum, min, max);
        digests[key] = (d.Digest, d.Errors + errors, d.Slow + slow);
    }

    private static Task CopyBlocksAsync(NpgsqlConnection connection, int serverId, Dictionary<(DateTime Start, int Hours, string Hash), (QueryDigest Digest, long Errors, long Slow)> blocks,
        CancellationToken cancellationToken) =>
        CopyAsync(connection, serverId, "rollup_copy_blocks",
            blocks.Select(kv => (kv.Key.Start, (int?)kv.Key.Hours, (string?)kv.Key.Hash, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);

    /// <summary>Replaces the all-queries rows (migration 011) of these hours or days with the merge of their per-query digests.</summary>
    private static async Task ReplaceAllQueriesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int serverId, string clearQuery, string copyQuery, List<DateTime> periods,
        Dictionary<(DateTime At, string Hash), (QueryDigest Digest, long Errors, long Slow)> perQuery, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<DateTime, (QueryDigest Digest, long Errors, long Slow)>();
        foreach (var ((at, _), d) in perQuery)
        {
            if (!merged.TryGetValue(at, out var m)) m = (new QueryDigest(), 0, 0);
            m.Digest.Merge(d.Digest);
            merged[at] = (m.Digest, m.Errors + d.Errors, m.Slow + d.Slow);
        }
        await using (var clear = new NpgsqlCommand(SqlResources.Get($"queries/{clearQuery}.sql"), connection, transaction))
        {
            clear.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            clear.Parameters.AddWithValue("p", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, periods.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await CopyAsync(connection, serverId, copyQuery,
            merged.Select(kv => (kv.Key, (string?)null, kv.Value.Digest, kv.Value.Errors, kv.Value.Slow)), cancellationToken);
    }

    private static Task CopyAsync(NpgsqlConnection connection, int serverId, string copyQuery,
        IEnumerable<(DateTime At, string? Hash, QueryDigest Digest, long Errors, long Slow)> rows, CancellationToken cancellationToken) =>
        CopyAsync(connection, serverId, copyQuery, rows.Select(r => (r.At, (int?)null, r.Hash, r.Digest, r.Errors, r.Slow)), cancellationToken);

    /// <summary>COPYs server <paramref name="serverId"/>'s rollup rows with sql/queries/&lt;copyQuery&gt;.sql; null hours or hash leave that column out (only blocks have hours).</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, int serverId, string copyQuery,
        IEnumerable<(DateTime At, int? Hours, string? Hash, QueryDigest Digest, long Errors, long Slow)> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(SqlResources.Get($"queries/{copyQuery}.sql"), cancellationToken);
        foreach (var (at, hours, hash, digest, errors, slow) in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(serverId, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(DateTime.SpecifyKind(at, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, cancellationToken);
            if (hours is not null)
                await importer.WriteAsync(hours.Value, NpgsqlDbType.Integer, cancellationToken);
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
