using System.Buffers;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Query;

/// <summary>
/// Writes batches of query log records with binary COPY, one round trip per batch, and raises the batch's
/// slow-query alerts in the same transaction. The batch API is what a later in-process channel writer drains into.
/// </summary>
internal sealed class QueryLogWriter
{

    private readonly PgServerContext _context;

    private readonly QueryPartitions _partitions;

    /// <summary>Points in <see cref="Write"/> where <see cref="FaultForTests"/> is called.</summary>
    internal enum WriteStage
    {
        /// <summary>The rows are sent, the transaction is still open.</summary>
        BeforeCommit,

        /// <summary>COMMIT has been acknowledged; the caller has not been told yet (as if the acknowledgement were lost).</summary>
        AfterCommit,
    }

    /// <summary>
    /// Deterministic fault injection for the tests: called at each <see cref="WriteStage"/>; whatever it throws
    /// goes up as a failure at that point (an NpgsqlException over an IOException is a broken connection).
    /// Always null in production.
    /// </summary>
    internal Action<WriteStage>? FaultForTests { get; set; }

    public QueryLogWriter(PgServerContext context)
    {
        _context = context;
        _partitions = new QueryPartitions(context);
    }

    /// <summary>
    /// Writes the rows as server <paramref name="serverId"/>'s (0 = this database; migration 036). With
    /// <paramref name="idempotent"/> rows whose (server_id, logged_at, record_id) is already stored are skipped (spool
    /// replay, retry after an unknown outcome). Returns the number of rows written and slow_query alerts raised, as the
    /// same server's (migration 035).
    /// </summary>
    public (int Written, int Alerts) Write(IReadOnlyList<PgQueryLogEntry> rows, bool idempotent, double alertThresholdMs, int serverId, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return (0, 0);
        return _context.Run(async connection =>
        {
            // Its own short transaction, before the COPY's: a new day's partition must not wait on the batch.
            await _partitions.EnsureForBatchAsync(connection, rows, cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<PgQueryLogEntry> written;
            if (!idempotent)
            {
                await CopyAsync(connection, "queries/query_log_copy.sql", rows, serverId, cancellationToken).ConfigureAwait(false);
                written = rows;
            }
            else
            {
                await using (var create = new NpgsqlCommand(SqlResources.Get("queries/query_log_replay_table.sql"), connection, transaction))
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await CopyAsync(connection, "queries/query_log_replay_copy.sql", rows, serverId, cancellationToken).ConfigureAwait(false);
                var inserted = new HashSet<Guid>();
                await using (var insert = new NpgsqlCommand(SqlResources.Get("queries/query_log_replay_insert.sql"), connection, transaction))
                await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        inserted.Add(reader.GetGuid(0));
                written = rows.Where(r => inserted.Contains(r.RecordId)).ToList();
            }

            var alerts = alertThresholdMs > 0 ? await RaiseAlertsAsync(connection, transaction, written, alertThresholdMs, serverId, cancellationToken).ConfigureAwait(false) : 0;
            FaultForTests?.Invoke(WriteStage.BeforeCommit);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            FaultForTests?.Invoke(WriteStage.AfterCommit);
            return (written.Count, alerts);
        }, cancellationToken);
    }

    private const int CopyChunkBytes = 64 * 1024;

    // One encoding buffer kept between batches (taken by whichever batch runs), so a batch allocates none.
    private ArrayBufferWriter<byte>? _spareBuffer;

    // Rows are encoded into one buffer (QueryLogCopyFormat) and sent in chunks of about 64 KB.
    private async Task CopyAsync(NpgsqlConnection connection, string copyQuery, IReadOnlyList<PgQueryLogEntry> rows, int serverId, CancellationToken cancellationToken)
    {
        var stream = await connection.BeginRawBinaryCopyAsync(SqlResources.Get(copyQuery), cancellationToken).ConfigureAwait(false);
        var buffer = Interlocked.Exchange(ref _spareBuffer, null) ?? new ArrayBufferWriter<byte>(CopyChunkBytes * 2);
        try
        {
            buffer.ResetWrittenCount();
            QueryLogCopyFormat.WriteHeader(buffer);
            for (var i = 0; i < rows.Count; i++)
            {
                QueryLogCopyFormat.WriteRow(buffer, rows[i], serverId);
                if (buffer.WrittenCount >= CopyChunkBytes)
                {
                    await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                }
            }
            QueryLogCopyFormat.WriteTrailer(buffer);
            await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Without this the dispose below would end the COPY as if it were complete.
            await stream.CancelAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            // A buffer grown by a huge query text is not worth keeping.
            if (buffer.Capacity <= 1024 * 1024)
                _spareBuffer = buffer;
        }
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<int> RaiseAlertsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PgQueryLogEntry> rows,
        double thresholdMs, int serverId, CancellationToken cancellationToken)
    {
        var groups = rows.Where(r => r.DurationMs >= thresholdMs)
            .GroupBy(r => r.QueryHash)
            .Select(g => new
            {
                QueryHash = g.Key,
                Count = (long)g.Count(),
                First = g.Min(r => r.LoggedAt).UtcDateTime,
                Last = g.Max(r => r.LoggedAt).UtcDateTime,
                Max = g.Max(r => r.DurationMs),
                Slowest = g.MaxBy(r => r.DurationMs)!,
            })
            .ToList();
        if (groups.Count == 0)
            return 0;

        var ids = new List<long>();
        var lastSeen = new List<DateTime>();
        await using (var command = new NpgsqlCommand(SqlResources.Get("queries/query_slow_alerts.sql"), connection, transaction))
        {
            command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            command.Parameters.AddWithValue("threshold_ms", NpgsqlDbType.Double, thresholdMs);
            command.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, groups.Select(g => g.QueryHash).ToArray());
            command.Parameters.AddWithValue("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint, groups.Select(g => g.Count).ToArray());
            command.Parameters.AddWithValue("first", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, groups.Select(g => g.First).ToArray());
            command.Parameters.AddWithValue("last", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, groups.Select(g => g.Last).ToArray());
            command.Parameters.AddWithValue("max", NpgsqlDbType.Array | NpgsqlDbType.Double, groups.Select(g => g.Max).ToArray());
            command.Parameters.AddWithValue("samples", NpgsqlDbType.Array | NpgsqlDbType.Text, groups.Select(g => g.Slowest.QueryText).ToArray());
            command.Parameters.AddWithValue("endpoints", NpgsqlDbType.Array | NpgsqlDbType.Text, groups.Select(g => g.Slowest.Endpoint).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
                lastSeen.Add(reader.GetFieldValue<DateTime>(1));
            }
        }

        // create_performance_alert took the group's first execution as its time; move last_seen_at to the last one.
        await using (var fix = new NpgsqlCommand(SqlResources.Get("queries/query_slow_alerts_last_seen.sql"), connection, transaction))
        {
            fix.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, serverId);
            fix.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ids.ToArray());
            fix.Parameters.AddWithValue("last", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, lastSeen.ToArray());
            await fix.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return groups.Count;
    }
}

