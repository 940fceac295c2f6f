using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine;

/// <summary>
/// Retention of a table range-partitioned by UTC day: its whole days before a cutoff are dropped, one partition per
/// short transaction, through a SQL function that accepts only such partitions (the statement history, migration 014;
/// the index usage and table bloat snapshots, migration 033).
/// </summary>
internal static class DayPartitions
{
    /// <summary>
    /// Lists the partitions with <paramref name="listSql"/> (parameter @cutoff, and @table when given) and drops each
    /// with <paramref name="dropSql"/> (parameter @name, returning the rows it held); returns the rows and partitions dropped.
    /// </summary>
    public static (long Rows, int Dropped) DropBefore(PgServerContext context, string listSql, string dropSql, string? table,
                                                      DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        context.Run(async connection =>
        {
            var old = new List<string>();
            await using (var list = new NpgsqlCommand(SqlResources.Get(listSql), connection))
            {
                list.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                if (table is not null) list.Parameters.AddWithValue("table", table);
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
                await using (var drop = new NpgsqlCommand(SqlResources.Get(dropSql), connection, transaction))
                {
                    drop.Parameters.AddWithValue("name", name);
                    rows += (long)(await drop.ExecuteScalarAsync(cancellationToken))!;
                }
                await transaction.CommitAsync(cancellationToken);
            }
            return (rows, old.Count);
        }, cancellationToken);
}
