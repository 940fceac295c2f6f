using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Statements;

/// <summary>
/// pg_stat_statements history (migration 014): snapshots, top statements, hourly trend, regressions and their
/// alerts. QueryHash is computed here (QueryFingerprint is C#): after each snapshot for the texts that have none,
/// and on read for any row still without one (a snapshot taken from psql).
/// </summary>
internal sealed class StatementService : IStatementService
{
    internal const string NotAvailableErrorId = PgPerfErrorIds.Statements.NotAvailable;
    internal const string AlertType = "statement_regression";

    private readonly PgServerContext _context;

    public StatementService(PgServerContext context) => _context = context;

    private PgConnectionInfo Info => _context.Info;

    public void EnsureAvailable(CancellationToken cancellationToken) =>
        _context.Run(async connection => { await EnsureAvailableAsync(connection, cancellationToken); return true; }, cancellationToken);

    private async Task EnsureAvailableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("queries/statements_source.sql"), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.GetBoolean(0))
            throw NotAvailable(reader.GetString(1));
    }

    private PgPerfException NotAvailable(string reason, Exception? inner = null) =>
        new(NotAvailableErrorId, PgPerfErrorKind.NotInstalled, $"pg_stat_statements cannot be read on {Info.Server}: {reason}.", Info.Server, inner);

    public PgSnapshotResult CaptureSnapshot(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var sw = Stopwatch.StartNew();
            await EnsureAvailableAsync(connection, cancellationToken);
            PgSnapshotResult result;
            try
            {
                await using var command = new NpgsqlCommand(SqlResources.Get("queries/statements_capture.sql"), connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                result = SnapshotResult(reader);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedColumn)
            {
                // The extension's SQL is older than the server (pg_upgrade keeps the old version).
                throw NotAvailable($"the pg_stat_statements extension lacks a column this PostgreSQL version has ({ex.MessageText}); run ALTER EXTENSION pg_stat_statements UPDATE", ex);
            }
            await FillHashesAsync(connection, cancellationToken);
            var timed = new PgSnapshotResult
            {
                Kind = result.Kind, Count = result.Count, CapturedAt = result.CapturedAt, Skipped = result.Skipped,
                DurationMs = sw.Elapsed.TotalMilliseconds,
            };
            timed.From(Info);
            return timed;
        }, cancellationToken);

    /// <summary>A snapshot's row of statement_snapshots as a result, with what happened in its interval.</summary>
    internal static PgSnapshotResult SnapshotResult(NpgsqlDataReader reader)
    {
        var notes = new List<string>();
        if (reader.GetBoolean(4)) notes.Add($"baseline of {reader.GetInt32(2)} statements: the next snapshot stores what changed");
        if (reader.GetBoolean(5)) notes.Add("the statistics were reset since the previous snapshot: this interval holds lower bounds");
        if (!reader.IsDBNull(6) && reader.GetInt64(6) > 0) notes.Add($"{reader.GetInt64(6)} entries were evicted since the previous snapshot (raise pg_stat_statements.max)");
        if (reader.GetBoolean(7)) notes.Add("the server restarted since the previous snapshot");
        return new PgSnapshotResult
        {
            Kind = "Statement", Count = reader.GetInt32(0), CapturedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
            Skipped = notes.ToArray(),
        };
    }

    /// <summary>Computes QueryFingerprint's hash for the texts that have none and stores it; returns how many.</summary>
    internal async Task<int> FillHashesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var hashes = new List<string>();
        await using (var command = new NpgsqlCommand(SqlResources.Get("queries/statements_unhashed.sql"), connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
                hashes.Add(QueryFingerprint.HashOf(reader.GetString(1)));
            }
        }
        if (ids.Count == 0) return 0;
        await using var update = new NpgsqlCommand(SqlResources.Get("queries/statements_set_hashes.sql"), connection);
        update.Parameters.AddWithValue("queryids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ids.ToArray());
        update.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Text, hashes.ToArray());
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public IReadOnlyList<PgStatementStat> GetTop(StatementTopOptions options, CancellationToken cancellationToken)
    {
        CheckWindow(options.Since, options.Until, "Since");
        // The application logs into this database: only its own statements get the log's figures, in the same
        // round trip when the log's plan held; the rest (and rows whose QueryHash is computed here) read it after.
        var unlinked = new List<PgStatementStat>();
        var rows = _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/statements_top.sql"), connection);
            AddServer(command, options.Server);
            AddWindow(command, "since", "until", options.Since, options.Until);
            command.Parameters.AddWithValue("order", NpgsqlDbType.Text, options.OrderBy.ToString());
            command.Parameters.AddWithValue("top", NpgsqlDbType.Integer, options.Top);
            AddFilters(command, options.Databases, options.Users);
            AddArray(command, "queryids", NpgsqlDbType.Bigint, options.QueryIds);
            StatementLink.AddLogPlan(command, options.Since, options.Until);
            var list = new List<PgStatementStat>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
            {
                long calls = reader.GetInt64(6), hit = reader.GetInt64(11), read = reader.GetInt64(12);
                double totalMs = reader.GetDouble(7), sumSq = reader.GetDouble(8), serverMs = reader.IsDBNull(16) ? 0 : reader.GetDouble(16);
                var mean = totalMs / calls;
                var row = new PgStatementStat
                {
                    QueryId = reader.GetInt64(0),
                    QueryHash = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Query = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Database = reader.GetString(3), User = reader.GetString(4), Toplevel = reader.GetBoolean(5),
                    Since = options.Since.ToUniversalTime(), Until = options.Until.ToUniversalTime(),
                    Calls = calls, TotalTimeMs = totalMs, MeanTimeMs = mean,
                    StddevTimeMs = StatementMath.PooledStddev(calls, totalMs, sumSq),
                    PlanTimeMs = reader.GetDouble(9), Rows = reader.GetInt64(10),
                    SharedBlocksHit = hit, SharedBlocksRead = read, SharedHitRatio = hit + read == 0 ? null : (double)hit / (hit + read),
                    TempBlocksWritten = reader.GetInt64(13), WalBytes = reader.GetInt64(14), CountersReset = reader.GetBoolean(15),
                    ShareOfTotalTime = serverMs > 0 ? totalMs / serverMs : 0,
                    Status = QueryThresholds.Classify(mean).ToString(),
                };
                var hashedHere = row.QueryHash is null && row.Query is not null;
                if (hashedHere)
                    row.QueryHash = QueryFingerprint.HashOf(row.Query!);
                StatementServer.Stamp(row, Info, options.Server);
                list.Add(row);
                if (!reader.GetBoolean(17)) continue;
                if (reader.GetBoolean(24) && !hashedHere) StatementLink.ReadApplicationFigures(reader, 18, row);
                else unlinked.Add(row);
            }
            return list;
        }, cancellationToken);
        if (unlinked.Count > 0)
            new StatementLink(_context).AttachApplicationFigures(unlinked, options.Since, options.Until, cancellationToken);
        return rows;
    }

    public IReadOnlyList<PgStatementTrend> GetTrend(StatementTrendOptions options, CancellationToken cancellationToken)
    {
        CheckWindow(options.Since, options.Until, "Since");
        return _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/statements_trend.sql"), connection);
            AddServer(command, options.Server);
            AddWindow(command, "since", "until", options.Since, options.Until);
            command.Parameters.AddWithValue("queryids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, options.QueryIds);
            AddFilters(command, options.Databases, options.Users);
            var list = new List<PgStatementTrend>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
            {
                var calls = reader.GetInt64(4);
                var totalMs = reader.GetDouble(5);
                var row = new PgStatementTrend
                {
                    QueryId = reader.GetInt64(0), Database = reader.GetString(1), User = reader.GetString(2),
                    Hour = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc)),
                    Calls = calls, TotalTimeMs = totalMs, MeanTimeMs = calls == 0 ? 0 : totalMs / calls,
                    Rows = reader.GetInt64(6), SharedBlocksRead = reader.GetInt64(7),
                };
                StatementServer.Stamp(row, Info, options.Server);
                list.Add(row);
            }
            return (IReadOnlyList<PgStatementTrend>)list;
        }, cancellationToken);
    }

    public IReadOnlyList<PgStatementRegression> Compare(StatementCompareOptions options, CancellationToken cancellationToken)
    {
        CheckWindow(options.BaselineStart, options.BaselineEnd, "BaselineStart");
        CheckWindow(options.Start, options.End, "Start");
        return _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/statements_compare.sql"), connection);
            AddServer(command, options.Server);
            AddWindow(command, "baseline_start", "baseline_end", options.BaselineStart, options.BaselineEnd);
            AddWindow(command, "start", "end", options.Start, options.End);
            command.Parameters.AddWithValue("min_calls", NpgsqlDbType.Bigint, options.MinCalls);
            command.Parameters.AddWithValue("min_increase", NpgsqlDbType.Double, options.MinIncreasePercent);
            AddFilters(command, options.Databases, options.Users);
            var list = new List<PgStatementRegression>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (reader.Read())
            {
                var row = new PgStatementRegression
                {
                    QueryId = reader.GetInt64(0),
                    QueryHash = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Query = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Database = reader.GetString(3), User = reader.GetString(4), Toplevel = reader.GetBoolean(5),
                    BaselineMeanMs = reader.GetDouble(6), CurrentMeanMs = reader.GetDouble(7), IncreasePercent = reader.GetDouble(8),
                    BaselineCalls = reader.GetInt64(9), CurrentCalls = reader.GetInt64(10), AddedTimeMs = reader.GetDouble(11),
                };
                if (row.QueryHash is null && row.Query is not null)
                    row.QueryHash = QueryFingerprint.HashOf(row.Query);
                StatementServer.Stamp(row, Info, options.Server);
                list.Add(row);
            }
            return (IReadOnlyList<PgStatementRegression>)list;
        }, cancellationToken);
    }

    public PgStatementAlertCheck CheckRegressionAlerts(StatementCompareOptions options, CancellationToken cancellationToken)
    {
        var regressions = Compare(options, cancellationToken);
        var alerts = new PgPerf.Engine.Operations.AlertService(_context);
        var keys = new List<string>();
        foreach (var r in regressions)
        {
            var key = DedupKey(r);
            if (keys.Contains(key)) continue;
            keys.Add(key);
            var details = new Dictionary<string, object?>
            {
                ["queryid"] = r.QueryId, ["query_hash"] = r.QueryHash, ["database"] = r.Database, ["user"] = r.User,
                ["baseline_mean_ms"] = r.BaselineMeanMs, ["current_mean_ms"] = r.CurrentMeanMs, ["increase_percent"] = r.IncreasePercent,
                ["baseline_calls"] = r.BaselineCalls, ["current_calls"] = r.CurrentCalls, ["added_time_ms"] = r.AddedTimeMs,
                ["query"] = r.Query,
            };
            alerts.Raise(StatementServer.IdOf(options.Server), AlertType, PgAlertSeverity.Warning, $"{r.Database}/{r.User} queryid {r.QueryId}",
                $"Statement {r.QueryId} in database {r.Database} (user {r.User}) got slower: mean {r.BaselineMeanMs:0.###} ms -> {r.CurrentMeanMs:0.###} ms " +
                $"(+{r.IncreasePercent:0} %) over {r.CurrentCalls} calls, {r.AddedTimeMs:0} ms added. Get-PgStatementTrend -QueryId {r.QueryId} shows when.",
                details, key, cancellationToken);
        }
        var resolved = _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/alert_resolve_stale.sql"), connection);
            command.Parameters.AddWithValue("server_id", StatementServer.IdOf(options.Server));
            command.Parameters.AddWithValue("type", AlertType);
            command.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Text, keys.ToArray());
            return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
        return new PgStatementAlertCheck { OpenKeys = keys.ToArray(), Resolved = resolved };
    }

    internal static string DedupKey(PgStatementRegression r) => $"{AlertType}:{r.Database}:{r.User}:{r.QueryId}";

    private static void CheckWindow(DateTimeOffset start, DateTimeOffset end, string parameter)
    {
        if (start >= end)
            throw new PgPerfException(PgPerfErrorIds.Statements.InvalidTimeRange, PgPerfErrorKind.InvalidArgument,
                $"The window starts at {start.ToUniversalTime():u} and ends at {end.ToUniversalTime():u}; the start must come before the end.")
            { ParameterName = parameter };
    }

    private static void AddServer(NpgsqlCommand command, StatementServer? server) =>
        command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(server));

    private static void AddWindow(NpgsqlCommand command, string startName, string endName, DateTimeOffset start, DateTimeOffset end)
    {
        command.Parameters.AddWithValue(startName, NpgsqlDbType.TimestampTz, start.UtcDateTime);
        command.Parameters.AddWithValue(endName, NpgsqlDbType.TimestampTz, end.UtcDateTime);
    }

    private static void AddFilters(NpgsqlCommand command, string[]? databases, string[]? users)
    {
        AddArray(command, "databases", NpgsqlDbType.Text, databases);
        AddArray(command, "users", NpgsqlDbType.Text, users);
    }

    internal static void AddArray<T>(NpgsqlCommand command, string name, NpgsqlDbType type, T[]? values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | type) { Value = values is { Length: > 0 } ? values : DBNull.Value });
}
