using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Operations;

/// <summary>
/// Deletes rows older than each table's retention, a batch per statement (each its own short transaction,
/// taking only row locks), and says when the table needs a VACUUM afterwards.
/// </summary>
internal sealed class RetentionService : IRetentionService
{
    internal const string QueryLogTable = "pgperf.query_performance_logs";

    // Partitioned by UTC day with a default partition (migration 033; a repository's health history, 030):
    // whole days are dropped, then the default partition's old rows are deleted in batches.
    internal static readonly string[] SnapshotTables = SnapshotDayTables.All.Select(SnapshotDayTables.Qualified).ToArray();

    // Table, its queries (sql/queries/<Queries>_count.sql counts the old rows, <Queries>_delete.sql deletes a batch of
    // them; the cutoff is a parameter), and which setting applies.
    private static readonly (string Table, string Queries, Func<PgRetentionOptions, int> Days)[] Rules =
    {
        (QueryLogTable, "retention_query_log", o => o.QueryLogDays),
        (SnapshotDayTables.Qualified(SnapshotDayTables.IndexUsage), "retention_index_snapshots", o => o.SnapshotDays),
        (SnapshotDayTables.Qualified(SnapshotDayTables.TableBloat), "retention_bloat_snapshots", o => o.SnapshotDays),
        // Partitioned by UTC day like the query log: whole days are dropped.
        (PgPerf.Engine.Statements.StatementPartitions.Table, "retention_statements", o => o.SnapshotDays),
        ("pgperf.performance_alerts", "retention_alerts", o => o.AlertDays),
        // A repository's health history per server (migration 030), partitioned by UTC day like the snapshots.
        (SnapshotDayTables.Qualified(SnapshotDayTables.HealthChecks), "retention_health_checks", o => o.SnapshotDays),
        (SnapshotDayTables.Qualified(SnapshotDayTables.IndexBloat), "retention_index_bloat", o => o.SnapshotDays),
    };

    // VACUUM is due when at least this many rows are dead and they are at least this share of the table.
    internal const long VacuumMinDeadRows = 1000;
    internal const double VacuumMinDeadShare = 0.10;

    private readonly PgServerContext _context;

    public RetentionService(PgServerContext context) => _context = context;

    public IReadOnlyList<PgRetentionTable> Plan(PgRetentionOptions options, CancellationToken cancellationToken) => Plan(options, count: true, cancellationToken);

    public PgRetentionTable Purge(PgRetentionTable planned, int batchSize, CancellationToken cancellationToken)
    {
        var rule = Rules.SingleOrDefault(r => r.Table == planned.Table);
        if (rule.Table is null)
            throw new PgPerfException(PgPerfErrorIds.Retention.UnknownTable, PgPerfErrorKind.InvalidArgument,
                $"Retention does not cover {planned.Table}; it covers {string.Join(", ", Rules.Select(r => r.Table))}.");
        var sw = Stopwatch.StartNew();
        long deleted, leftDead;
        int batches;
        if (planned.Table == QueryLogTable)
            (deleted, batches, leftDead) = PurgeQueryLogs(planned.Cutoff, batchSize, cancellationToken);
        else if (planned.Table == PgPerf.Engine.Statements.StatementPartitions.Table)
        {
            (deleted, batches) = new PgPerf.Engine.Statements.StatementPartitions(_context).DropBefore(planned.Cutoff, cancellationToken);
            leftDead = 0;
        }
        else if (SnapshotTables.Contains(planned.Table))
        {
            var (droppedRows, dropped) = DayPartitions.DropBefore(_context, "queries/snapshot_old_partitions.sql",
                "queries/snapshot_drop_partition.sql", SnapshotDayTables.Unqualified(planned.Table), planned.Cutoff, cancellationToken);
            // The days left are all inside retention: only the default partition can hold older rows.
            (deleted, batches) = DeleteInBatches(rule.Table + "_default", rule.Queries, planned.Cutoff, batchSize, cancellationToken);
            leftDead = deleted;
            (deleted, batches) = (deleted + droppedRows, batches + dropped);
        }
        else
        {
            (deleted, batches) = DeleteInBatches(rule.Table, rule.Queries, planned.Cutoff, batchSize, cancellationToken);
            leftDead = deleted;
        }
        var result = new PgRetentionTable
        {
            Table = planned.Table, KeepDays = planned.KeepDays, Cutoff = planned.Cutoff, RowsToDelete = planned.RowsToDelete,
            RowsDeleted = deleted, Batches = batches, DurationMs = sw.Elapsed.TotalMilliseconds,
        };
        ReadDeadTuples(result, leftDead, cancellationToken);
        return result;
    }

    public PgRetentionResult Run(PgRetentionOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var started = DateTimeOffset.UtcNow;
        var sw = Stopwatch.StartNew();
        var tables = Plan(options, count: false, cancellationToken).Select(t => Purge(t, options.BatchSize, cancellationToken)).ToArray();
        var result = new PgRetentionResult
        {
            StartedAt = started, DurationMs = sw.Elapsed.TotalMilliseconds, Tables = tables,
            Warnings = tables.Select(t => t.VacuumAdvice).OfType<string>().ToArray(),
        };
        result.From(_context.Info);
        return result;
    }

    private IReadOnlyList<PgRetentionTable> Plan(PgRetentionOptions options, bool count, CancellationToken cancellationToken)
    {
        options.Validate();
        return _context.Run(async connection =>
        {
            // One clock for every table: the server's.
            await using var nowCommand = new NpgsqlCommand(SqlResources.Get("queries/server_now.sql"), connection);
            var now = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await nowCommand.ExecuteScalarAsync(cancellationToken))!, DateTimeKind.Utc));
            var list = new List<PgRetentionTable>();
            foreach (var rule in Rules)
            {
                var days = rule.Days(options);
                var cutoff = now.AddDays(-days);
                // Tables partitioned by UTC day drop whole days: their cutoff is a day start.
                if (rule.Table is QueryLogTable or PgPerf.Engine.Statements.StatementPartitions.Table || SnapshotTables.Contains(rule.Table)) cutoff = PgPerf.Engine.Query.QueryPartitions.DayFloor(cutoff);
                var table = new PgRetentionTable { Table = rule.Table, KeepDays = days, Cutoff = cutoff };
                if (count)
                {
                    await using var countCommand = new NpgsqlCommand(SqlResources.Get($"queries/{rule.Queries}_count.sql"), connection);
                    countCommand.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = table.Cutoff });
                    table.RowsToDelete = (long)(await countCommand.ExecuteScalarAsync(cancellationToken))!;
                }
                list.Add(table);
            }
            return (IReadOnlyList<PgRetentionTable>)list;
        }, cancellationToken);
    }

    /// <summary>
    /// The query log's retention: it is partitioned by UTC day (migration 007), so whole days older than the
    /// cutoff are dropped (no dead rows, almost no WAL); rows in the default partition are deleted in batches.
    /// Batches counts dropped partitions plus DELETE batches.
    /// </summary>
    private (long Deleted, int Batches, long LeftDead) PurgeQueryLogs(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var (droppedRows, dropped, deletedRows, batches) = new PgPerf.Engine.Query.QueryPartitions(_context).DropBefore(cutoff, batchSize, cancellationToken);
        return (droppedRows + deletedRows, dropped + batches, deletedRows);
    }

    private (long Deleted, int Batches) DeleteInBatches(string table, string queries, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // ctid is unique only within one relation, so a partitioned table is purged leaf by leaf.
            var leaves = new List<(string Schema, string Name)>();
            await using (var leafCommand = new NpgsqlCommand(SqlResources.Get("queries/ops_leaf_tables.sql"), connection))
            {
                leafCommand.Parameters.AddWithValue("t", table);
                await using var reader = await leafCommand.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) leaves.Add((reader.GetString(0), reader.GetString(1)));
            }

            long deleted = 0;
            var batches = 0;
            foreach (var (schema, name) in leaves)
            {
                var sql = SqlResources.WithNames($"queries/{queries}_delete.sql", ("leaf", schema, name));
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await using var delete = new NpgsqlCommand(sql, connection);
                    delete.Parameters.Add(new NpgsqlParameter("cutoff", NpgsqlDbType.TimestampTz) { Value = cutoff });
                    delete.Parameters.AddWithValue("n", batchSize);
                    // Autocommit: each batch is its own transaction, so row locks are held only for one batch.
                    var n = await delete.ExecuteNonQueryAsync(cancellationToken);
                    batches++;
                    deleted += n;
                    if (n < batchSize) break;
                }
            }
            return (deleted, batches);
        }, cancellationToken);

    private void ReadDeadTuples(PgRetentionTable table, long deadByThisRun, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/ops_table_stats.sql"), connection);
            command.Parameters.AddWithValue("table", table.Table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            long dead = reader.GetInt64(0), live = reader.GetInt64(1);
            // Statistics arrive about a second late; count this run's deletes as dead until they do.
            if (dead < deadByThisRun)
            {
                live = Math.Max(0, live - (deadByThisRun - dead));
                dead = deadByThisRun;
            }
            table.DeadTuples = dead;
            table.LiveTuples = live;
            table.VacuumDue = dead >= VacuumMinDeadRows && dead >= VacuumMinDeadShare * (dead + live);
            return true;
        }, cancellationToken);
}
