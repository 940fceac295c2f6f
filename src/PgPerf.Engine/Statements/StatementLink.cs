using Npgsql;
using NpgsqlTypes;
using PgPerf.Engine.Query;

namespace PgPerf.Engine.Statements;

/// <summary>
/// The link between the server's statements and the application's query log: both carry QueryFingerprint's
/// QueryHash (the log at write time, statement_texts after each snapshot), so each side can show the other's figures.
/// </summary>
internal sealed class StatementLink
{
    private readonly PgServerContext _context;

    public StatementLink(PgServerContext context) => _context = context;

    /// <summary>
    /// Parameters of statements_top.sql's part of the link: the window's log pieces as Get-PgQueryStat plans them
    /// when every hour of it is rolled up (the statement says whether that held). A window without a whole hour has
    /// no rollup plan: then @link_log is false and <see cref="AttachApplicationFigures"/> reads the log afterwards.
    /// </summary>
    public static void AddLogPlan(NpgsqlCommand command, DateTimeOffset since, DateTimeOffset until)
    {
        var plan = QueryStatPlan.For(new QueryStatOptions { Start = since, End = until, GroupBy = QueryStatGroupBy.Query });
        var parts = plan?.Split(Array.Empty<DateTime>(), useBlocks: true);
        command.Parameters.AddWithValue("link_log", NpgsqlDbType.Boolean, plan is not null);
        command.Parameters.Add(new NpgsqlParameter("first_hour", NpgsqlDbType.TimestampTz) { Value = plan is null ? DBNull.Value : plan.FirstHour });
        command.Parameters.Add(new NpgsqlParameter("end_hour", NpgsqlDbType.TimestampTz) { Value = plan is null ? DBNull.Value : plan.EndHour });
        command.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts?.Days ?? Array.Empty<DateTime>());
        command.Parameters.AddWithValue("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts?.Hours ?? Array.Empty<DateTime>());
        command.Parameters.AddWithValue("block_starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts?.BlockStarts ?? Array.Empty<DateTime>());
        command.Parameters.AddWithValue("block_hours", NpgsqlDbType.Array | NpgsqlDbType.Integer, parts?.BlockHours ?? Array.Empty<int>());
        command.Parameters.AddWithValue("raw_from", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts?.RawFrom ?? Array.Empty<DateTime>());
        command.Parameters.AddWithValue("raw_to", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts?.RawTo ?? Array.Empty<DateTime>());
    }

    /// <summary>
    /// Reads one statements_top.sql row's log pieces (columns totals, sums, mins, maxes, digests, durations from
    /// <paramref name="at"/>) into the application's call count and P95, merged as Get-PgQueryStat merges them.
    /// </summary>
    public static void ReadApplicationFigures(NpgsqlDataReader reader, int at, PgStatementStat row)
    {
        var digest = new QueryDigest();
        if (!reader.IsDBNull(at + 4))
        {
            var totals = reader.GetFieldValue<long[]>(at);
            var sums = reader.GetFieldValue<double[]>(at + 1);
            var mins = reader.GetFieldValue<double[]>(at + 2);
            var maxes = reader.GetFieldValue<double[]>(at + 3);
            var digests = reader.GetFieldValue<byte[][]>(at + 4);
            for (var i = 0; i < digests.Length; i++)
                digest.MergePacked(digests[i], totals[i], sums[i], mins[i], maxes[i]);
        }
        if (!reader.IsDBNull(at + 5))
            digest.AddRange(reader.GetFieldValue<double[]>(at + 5));
        if (digest.Count == 0) return;
        row.AppCalls = digest.Count;
        row.AppP95DurationMs = digest.Percentile(0.95);
    }

    /// <summary>
    /// Get-PgTopStatement rows of this database get the application's call count and P95 for the same hash and
    /// window, read as Get-PgQueryStat reads them: for rows statements_top.sql could not link (see there).
    /// </summary>
    public void AttachApplicationFigures(IReadOnlyList<PgStatementStat> rows, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var hashes = rows.Select(r => r.QueryHash).OfType<string>().Distinct().ToArray();
        if (hashes.Length == 0) return;
        var stats = new QueryLogService(_context).GetLogStats(new QueryStatOptions
        {
            Start = since, End = until, GroupBy = QueryStatGroupBy.Query, QueryHashes = hashes,
        }, cancellationToken).Where(s => s.QueryHash is not null && s.TotalQueries > 0).ToDictionary(s => s.QueryHash!);
        foreach (var row in rows)
        {
            if (row.QueryHash is null || !stats.TryGetValue(row.QueryHash, out var app)) continue;
            row.AppCalls = app.TotalQueries;
            row.AppP95DurationMs = app.P95DurationMs;
        }
    }

    /// <summary>Get-PgQueryStat -GroupBy Query rows get the server's figures for the same hash and window.</summary>
    public async Task AttachServerFiguresAsync(NpgsqlConnection connection, IReadOnlyList<PgQueryStat> rows, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var hashes = rows.Select(r => r.QueryHash).OfType<string>().Distinct().ToArray();
        if (hashes.Length == 0) return;
        var byHash = new Dictionary<string, (long Calls, double TimeMs, long Rows, long Hit, long Read)>();
        await using (var command = new NpgsqlCommand(SqlResources.Get("queries/statements_by_hash.sql"), connection))
        {
            command.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, start.UtcDateTime);
            command.Parameters.AddWithValue("until", NpgsqlDbType.TimestampTz, end.UtcDateTime);
            command.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, hashes);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
                byHash[reader.GetString(0)] = (reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }
        foreach (var row in rows)
        {
            if (row.QueryHash is null || !byHash.TryGetValue(row.QueryHash, out var s)) continue;
            row.ServerCalls = s.Calls;
            row.ServerMeanTimeMs = s.Calls == 0 ? null : s.TimeMs / s.Calls;
            row.ServerRows = s.Rows;
            row.ServerSharedBlocksRead = s.Read;
            row.ServerSharedHitRatio = s.Hit + s.Read == 0 ? null : (double)s.Hit / (s.Hit + s.Read);
        }
    }
}
