using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Statements;

/// <summary>
/// The daily partitions of pgperf.statement_history (migration 014): each capture creates its own day, retention
/// drops whole days (no dead rows, almost no WAL).
/// </summary>
internal sealed class StatementPartitions
{
    internal const string Table = "pgperf.statement_history";

    private readonly PgServerContext _context;

    public StatementPartitions(PgServerContext context) => _context = context;

    /// <summary>Drops every daily partition whose whole day is before the cutoff; returns the rows they held and how many were dropped.</summary>
    public (long Rows, int Dropped) DropBefore(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var old = new List<string>();
            await using (var list = new NpgsqlCommand(SqlResources.Get("queries/statements_old_partitions.sql"), connection))
            {
                list.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (reader.Read()) old.Add(reader.GetString(0));
            }
            long rows = 0;
            foreach (var name in old)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // Dropping needs a short exclusive lock on the parent: wait a bounded time, never queue behind a long report.
                await LockTimeout.SetLocalAsync(connection, transaction, 10_000, cancellationToken);
                await using (var drop = new NpgsqlCommand(SqlResources.Get("queries/statements_drop_partition.sql"), connection, transaction))
                {
                    drop.Parameters.AddWithValue("name", name);
                    rows += (long)(await drop.ExecuteScalarAsync(cancellationToken))!;
                }
                await transaction.CommitAsync(cancellationToken);
            }
            return (rows, old.Count);
        }, cancellationToken);
}
