using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Query;

/// <summary>
/// Recomputes stored QueryHash values made by an older <see cref="QueryFingerprint"/> (migration 013 records the
/// version of the stored hashes). The hash is computed in C#, so SQL cannot do this: the log's distinct texts are read,
/// hashed here, and the changed ones applied in one transaction (the log's triggers move the slow copy along and mark
/// the hours that changed); then the rollups of those hours are rebuilt, so rows whose hashes now collide merge and
/// rows whose hashes split apart separate. Idempotent; a no-op when the stored version is current.
/// </summary>
internal sealed class QueryHashUpgrade
{
    private readonly PgServerContext _context;

    public QueryHashUpgrade(PgServerContext context) => _context = context;

    /// <summary>Log rows whose hash changed (0 when the stored hashes are current).</summary>
    public long Run(CancellationToken cancellationToken)
    {
        var changed = _context.Run(async connection =>
        {
            if (await StoredVersionAsync(connection, null, cancellationToken) >= QueryFingerprint.Version)
                return (long?)null;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await StoredVersionAsync(connection, transaction, cancellationToken) >= QueryFingerprint.Version)
                return null; // another session upgraded while this one waited for the lock
            await using (var map = new NpgsqlCommand(SqlResources.Get("queries/query_hash_map.sql"), connection, transaction))
                await map.ExecuteNonQueryAsync(cancellationToken);
            await CopyChangedHashesAsync(connection, cancellationToken);
            await using var apply = new NpgsqlCommand(SqlResources.Get("queries/query_hash_apply.sql"), connection, transaction);
            apply.Parameters.AddWithValue("version", QueryFingerprint.Version);
            var rows = (long)(await apply.ExecuteScalarAsync(cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            return rows;
        }, cancellationToken);
        // No row changed, nothing to rebuild (and a schema installed only up to some version for a test may predate the
        // rollups' current tables).
        if (changed is null or 0) return 0;
        // The hours whose rows changed are read raw until rebuilt: rebuild them now rather than at the next hourly job.
        new QueryRollups(_context).Refresh(cancellationToken);
        return changed.Value;
    }

    private static async Task<int> StoredVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("queries/query_hash_version.sql"), connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// Streams the distinct (text, hash) pairs on a second connection and COPYs those whose hash changes into the
    /// upgrade's temporary map, so a log with millions of distinct texts is never held in memory.
    /// </summary>
    private async Task CopyChangedHashesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var source = await _context.OpenAsync(cancellationToken);
        await using var read = new NpgsqlCommand(SqlResources.Get("queries/query_hash_texts.sql"), source) { CommandTimeout = 0 };
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(SqlResources.Get("queries/query_hash_map_copy.sql"), cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var text = reader.GetString(0);
            var oldHash = reader.GetString(1);
            var newHash = QueryFingerprint.HashOf(text);
            if (newHash == oldHash) continue;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(oldHash, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(newHash, NpgsqlDbType.Text, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }
}
