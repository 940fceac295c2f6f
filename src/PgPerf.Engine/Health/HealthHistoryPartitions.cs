using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Health;

/// <summary>
/// The daily partitions of the health history a repository stores per server (migration 030): health check results and
/// index bloat estimates. Each store creates its own day; retention drops whole days, for every server at once.
/// </summary>
internal sealed class HealthHistoryPartitions
{
    internal const string HealthChecksTable = "pgperf.health_check_history";
    internal const string IndexBloatTable = "pgperf.index_bloat_snapshots";

    /// <summary>The tables whose retention drops whole days here.</summary>
    internal static bool Covers(string table) => table is HealthChecksTable or IndexBloatTable;

    private readonly PgServerContext _context;

    public HealthHistoryPartitions(PgServerContext context) => _context = context;

    /// <summary>Drops every daily partition of <paramref name="table"/> whose whole day is before the cutoff; returns the rows they held and how many were dropped.</summary>
    public (long Rows, int Dropped) DropBefore(string table, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var name = table["pgperf.".Length..];
        return _context.Run(async connection =>
        {
            var old = new List<string>();
            await using (var list = new NpgsqlCommand(SqlResources.Get("queries/health_history_old_partitions.sql"), connection))
            {
                list.Parameters.AddWithValue("table", name);
                list.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) old.Add(reader.GetString(0));
            }
            long rows = 0;
            foreach (var partition in old)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // Dropping needs a short exclusive lock on the parent: wait a bounded time, never queue behind a long report.
                await LockTimeout.SetLocalAsync(connection, transaction, 10_000, cancellationToken);
                await using (var drop = new NpgsqlCommand(SqlResources.Get("queries/health_history_drop_partition.sql"), connection, transaction))
                {
                    drop.Parameters.AddWithValue("table", name);
                    drop.Parameters.AddWithValue("name", partition);
                    rows += (long)(await drop.ExecuteScalarAsync(cancellationToken))!;
                }
                await transaction.CommitAsync(cancellationToken);
            }
            return (rows, old.Count);
        }, cancellationToken);
    }
}
