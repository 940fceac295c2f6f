using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Query;

/// <summary>
/// The daily partitions of pgperf.query_performance_logs (migration 007): created ahead by the hourly job and
/// on demand by the writer for the days of a batch, dropped whole by retention.
/// </summary>
internal sealed class QueryPartitions
{
    /// <summary>The writer creates partitions on demand only for days this close to today; others use the default partition.</summary>
    internal const int OnDemandPastDays = 400;
    internal const int OnDemandFutureDays = 31;
    internal const int AheadDays = 7;

    // Days known to have a partition, per target (one context per target per engine).
    private static readonly ConditionalWeakTable<PgServerContext, ConcurrentDictionary<DateOnly, bool>> Known = new();

    private readonly PgServerContext _context;

    public QueryPartitions(PgServerContext context) => _context = context;

    private ConcurrentDictionary<DateOnly, bool> KnownDays => Known.GetValue(_context, _ => new ConcurrentDictionary<DateOnly, bool>());

    /// <summary>
    /// Before a COPY: makes sure each day of the batch has its partition (one catalog round trip only when a day
    /// is not known yet). Rows of a day outside the on-demand range still land, in the default partition.
    /// </summary>
    public async Task EnsureForBatchAsync(NpgsqlConnection connection, IReadOnlyList<PgQueryLogEntry> rows, CancellationToken cancellationToken)
    {
        var known = KnownDays;
        List<DateOnly>? missing = null;
        // Rows come mostly in time order: compare day numbers and look a day up only when it changes.
        var lastDay = -1L;
        for (var i = 0; i < rows.Count; i++)
        {
            var dayNumber = rows[i].LoggedAt.UtcTicks / TimeSpan.TicksPerDay;
            if (dayNumber == lastDay) continue;
            lastDay = dayNumber;
            var day = DateOnly.FromDayNumber((int)dayNumber);
            if (!known.ContainsKey(day))
                (missing ??= new List<DateOnly>()).Add(day);
        }
        if (missing is null) return;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var wanted = missing.Distinct().Where(d => d >= today.AddDays(-OnDemandPastDays) && d <= today.AddDays(OnDemandFutureDays)).ToArray();
        if (wanted.Length > 0)
            await EnsureAsync(connection, wanted, cancellationToken).ConfigureAwait(false);
        foreach (var d in missing) known.TryAdd(d, true);
    }

    /// <summary>A partition was dropped (retention): forget what is cached.</summary>
    public void Forget() => KnownDays.Clear();

    /// <summary>Hourly job: today and the days ahead, plus any day within range whose rows sit in the default partition.</summary>
    public int CreateAhead(CancellationToken cancellationToken) => _context.Run(async connection =>
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = Enumerable.Range(-1, AheadDays + 2).Select(i => today.AddDays(i)).ToList();
        await using (var stragglers = new NpgsqlCommand(SqlResources.Get("queries/partitions_default_days.sql"), connection))
        {
            stragglers.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, today.AddDays(-OnDemandPastDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            stragglers.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, today.AddDays(OnDemandFutureDays + 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            await using var reader = await stragglers.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                days.Add(DateOnly.FromDateTime(reader.GetDateTime(0)));
        }
        return await EnsureAsync(connection, days.Distinct().ToArray(), cancellationToken);
    }, cancellationToken);

    private async Task<int> EnsureAsync(NpgsqlConnection connection, DateOnly[] days, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("queries/partitions_ensure.sql"), connection);
        command.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.Date, days);
        var created = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        foreach (var d in days) KnownDays.TryAdd(d, true);
        return created;
    }

    /// <summary>
    /// Retention: drops every daily partition whose whole day is before <paramref name="cutoff"/> (counting its
    /// rows first), deletes older rows left in the default partition in batches, and removes rollups of those days.
    /// </summary>
    public (long DroppedRows, int Dropped, long DeletedRows, int Batches) DropBefore(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var old = new List<(string Name, DateOnly Day)>();
            await using (var list = new NpgsqlCommand(SqlResources.Get("queries/partitions_before.sql"), connection))
            {
                list.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    old.Add((reader.GetString(0), DateOnly.FromDateTime(reader.GetDateTime(1))));
            }
            long dropped = 0, deleted = 0;
            foreach (var (name, _) in old)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // Dropping needs a short exclusive lock on the parent: wait for it a bounded time, never queue forever behind a long report.
                await LockTimeout.SetLocalAsync(connection, transaction, 10_000, cancellationToken);
                // The function runs with the owner's rights (the monitor role may not drop tables) and only
                // accepts daily partitions of the query log.
                await using (var drop = new NpgsqlCommand(SqlResources.Get("queries/partitions_drop.sql"), connection, transaction))
                {
                    drop.Parameters.AddWithValue("name", name);
                    dropped += (long)(await drop.ExecuteScalarAsync(cancellationToken))!;
                }
                await transaction.CommitAsync(cancellationToken);
            }
            if (old.Count > 0) Forget();

            // Rows outside the daily partitions (the default partition, or any other leaf) are few: delete them in
            // batches, leaf by leaf (ctid is unique only within one relation). Daily partitions not dropped hold no old rows.
            var leaves = new List<(string Schema, string Name)>();
            await using (var leafCommand = new NpgsqlCommand(SqlResources.Get("queries/partitions_other_leaves.sql"), connection))
            await using (var reader = await leafCommand.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) leaves.Add((reader.GetString(0), reader.GetString(1)));
            var batches = 0;
            foreach (var (schema, name) in leaves)
            {
                var sql = SqlResources.WithNames("queries/partitions_delete_old_rows.sql", ("leaf", schema, name));
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await using var delete = new NpgsqlCommand(sql, connection);
                    delete.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                    delete.Parameters.AddWithValue("n", batchSize);
                    var n = await delete.ExecuteNonQueryAsync(cancellationToken);
                    deleted += n;
                    batches++;
                    if (n < batchSize) break;
                }
            }

            // The rollups and slow-row copies of dropped days go too, so reports never show rows that no longer exist.
            await using (var rollups = new NpgsqlCommand(SqlResources.Get("queries/query_log_retention_rollups.sql"), connection))
            {
                rollups.Parameters.AddWithValue("cutoff", NpgsqlDbType.TimestampTz, cutoff.UtcDateTime);
                await rollups.ExecuteNonQueryAsync(cancellationToken);
            }

            return (dropped, old.Count, deleted, batches);
        }, cancellationToken);


    /// <summary>The UTC day start at or before a time: query-log retention works in whole days.</summary>
    public static DateTimeOffset DayFloor(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        return new DateTimeOffset(u.Year, u.Month, u.Day, 0, 0, 0, TimeSpan.Zero);
    }
}
