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

    /// <summary>Get-PgTopStatement rows of this database get the application's call count and P95 for the same hash and window.</summary>
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
