using Npgsql;
using NpgsqlTypes;
using PgPerf.Engine.Schema;

namespace PgPerf.Engine.Query;

internal sealed class QueryLogService : IQueryLogService
{
    // Spooled records are replayed in chunks; each chunk is idempotent, so a crash between chunks is harmless.
    private const int ReplayChunk = 5_000;

    private readonly PgServerContext _context;
    private readonly QueryLogWriter _writer;

    /// <summary>The COPY writer (the tests reach its fault hook through this).</summary>
    internal QueryLogWriter Writer => _writer;

    public QueryLogService(PgServerContext context)
    {
        _context = context;
        _writer = new QueryLogWriter(context);
    }

    public PgQuerySendResult Send(IReadOnlyList<PgQueryLogEntry> entries, QuerySendOptions options, CancellationToken cancellationToken)
    {
        var spool = SpoolFor(options);
        var serverId = StatementServer.IdOf(options.Server);
        var result = new PgQuerySendResult { SpoolFile = spool.FilePath };
        try
        {
            new SchemaService(_context).EnsureInstalled(cancellationToken);
            if (spool.HasRecords)
                result.Replayed = Replay(spool, options, result, cancellationToken);
        }
        catch (PgPerfException ex)
        {
            return SpoolBatch(spool, entries, ex, result, cancellationToken);
        }

        try
        {
            (result.Written, result.Alerts) = _writer.Write(entries, idempotent: false, options.AlertThresholdMs, serverId, cancellationToken);
        }
        catch (PgPerfException first) when (IsTransient(first))
        {
            // The COPY may or may not have committed (the connection broke), or a pooled connection was stale
            // after a server restart: try once more on a new connection, skipping rows that did land.
            try
            {
                (_, result.Alerts) = _writer.Write(entries, idempotent: true, options.AlertThresholdMs, serverId, cancellationToken);
                // The retry writes only what the first try did not land (each record id is new), so now the whole
                // batch is stored; its alerts were raised once, by whichever try wrote each row.
                result.Written = entries.Count;
            }
            catch (PgPerfException again)
            {
                return SpoolBatch(spool, entries, again, result, cancellationToken);
            }
        }
        catch (PgPerfException ex)
        {
            return SpoolBatch(spool, entries, ex, result, cancellationToken);
        }

        // What From(target) does, with the Server text built once per batch instead of once per row; a registered
        // server's records name it and carry its connection (piped into a report, they are read in the repository).
        var info = options.Server is { } registered ? registered.Connection ?? _context.Info : _context.Info;
        var server = options.Server?.Name ?? info.Server;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            e.Delivery = QueryLogDelivery.Written;
            e.Server = server;
            e.Connection = info;
        }
        return result;
    }

    // The spool's file name is a hash of the target (and the registered server): work it out once per folder, not once
    // per batch. The folder itself is resolved on every call ($env:PGPERF_SPOOL_DIR may change between calls). A
    // registered server's records have their own spool, so a replay writes them as that server again.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), QueryLogSpool> _spools = new();

    private QueryLogSpool SpoolFor(QuerySendOptions options) =>
        _spools.GetOrAdd((QueryLogSpool.ResolveDirectory(options.SpoolDirectory), StatementServer.IdOf(options.Server)),
            k => new QueryLogSpool(k.Item1, _context.Info, k.Item2));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string?, double, int), QueryLogQueue> _queues = new();

    public void Enqueue(PgQueryLogEntry entry, QuerySendOptions options) =>
        _queues.GetOrAdd((options.SpoolDirectory, options.AlertThresholdMs, StatementServer.IdOf(options.Server)), _ => new QueryLogQueue(this, options)).Enqueue(entry);

    public bool Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var all = true;
        foreach (var queue in _queues.Values)
            all &= queue.Flush(deadline - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        return all;
    }

    public PgQuerySendResult? TakeBackgroundResult()
    {
        PgQuerySendResult? merged = null;
        foreach (var queue in _queues.Values)
            if (queue.TakeResult() is { } r)
            {
                if (merged is null) merged = r;
                else { merged.Spooled += r.Spooled; merged.Replayed += r.Replayed; merged.Failure ??= r.Failure; merged.SpoolFile ??= r.SpoolFile; }
            }
        return merged;
    }

    /// <summary>Puts records straight into the spool (the background writer's full-buffer policy).</summary>
    internal PgQuerySendResult SpoolOnly(IReadOnlyList<PgQueryLogEntry> entries, QuerySendOptions options)
    {
        var spool = SpoolFor(options);
        var result = new PgQuerySendResult { SpoolFile = spool.FilePath };
        return SpoolBatch(spool, entries, new PgPerfException(PgPerfErrorIds.Query.BufferFull, PgPerfErrorKind.ResourceBusy,
            $"The in-process query-log buffer ({QueryLogQueue.Capacity:N0} records) was full."), result, CancellationToken.None);
    }

    private int Replay(QueryLogSpool spool, QuerySendOptions options, PgQuerySendResult result, CancellationToken cancellationToken)
    {
        using var _ = spool.Lock(cancellationToken);
        var (records, damaged) = spool.ReadAll();
        var replayed = 0;
        try
        {
            for (var i = 0; i < records.Count; i += ReplayChunk)
            {
                var chunk = records.GetRange(i, Math.Min(ReplayChunk, records.Count - i));
                var (written, alerts) = _writer.Write(chunk, idempotent: true, options.AlertThresholdMs, StatementServer.IdOf(options.Server), cancellationToken);
                replayed += written;
                result.Alerts += alerts;
            }
        }
        catch (PgPerfException ex) when (!IsTransient(ex))
        {
            // The database rejects these rows (not an outage): keep them aside so they stop blocking new records.
            var kept = spool.Quarantine();
            result.Failure = new PgPerfException(PgPerfErrorIds.Query.SpoolRejected, PgPerfErrorKind.InvalidData,
                $"The database rejected the spooled query log records ({ex.Message}); they were moved to {kept}.", _context.Info.Server, ex);
            return replayed;
        }
        // The good records are in the database now; damaged lines are kept aside, never silently dropped.
        var keptAside = damaged.Count > 0 ? spool.KeepDamaged(damaged.Select(d => d.Text)) : null;
        spool.Clear();
        if (keptAside is not null)
            result.Failure = new PgPerfException(PgPerfErrorIds.Query.SpoolDamaged, PgPerfErrorKind.InvalidData,
                $"{damaged.Count} line(s) of the spool {spool.FilePath} could not be read (a write was interrupted or the file was damaged): " +
                $"line {string.Join(", ", damaged.Take(10).Select(d => d.Line))}{(damaged.Count > 10 ? ", ..." : "")}. " +
                $"The other {records.Count} record(s) were replayed; the damaged lines were kept in {keptAside}.", _context.Info.Server);
        return replayed;
    }

    private static PgQuerySendResult SpoolBatch(QueryLogSpool spool, IReadOnlyList<PgQueryLogEntry> entries, PgPerfException reason, PgQuerySendResult result,
        CancellationToken cancellationToken)
    {
        result.Failure = reason;
        if (entries.Count == 0)
            return result;
        try
        {
            using (spool.Lock(cancellationToken))
                spool.Append(entries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Failure = new PgPerfException(PgPerfErrorIds.Query.SpoolFailed, PgPerfErrorKind.InvalidOperation,
                $"{entries.Count} query log record(s) could not be written ({reason.Message}) nor spooled to {spool.FilePath} ({ex.Message}); they are lost.",
                null, reason);
            return result;
        }
        foreach (var e in entries)
            e.Delivery = QueryLogDelivery.Spooled;
        result.Spooled = entries.Count;
        return result;
    }

    // An outage or a setup problem that a later send can get past; anything else is the data being rejected.
    private static bool IsTransient(PgPerfException ex) =>
        ex.Kind is PgPerfErrorKind.ConnectionError or PgPerfErrorKind.AuthenticationError or PgPerfErrorKind.NotInstalled
            or PgPerfErrorKind.OperationTimeout or PgPerfErrorKind.ResourceBusy or PgPerfErrorKind.PermissionDenied
        || PgPerfErrorIds.Connection.Includes(ex.ErrorId);

    public IReadOnlyList<PgSlowQuery> GetSlowQueries(SlowQueryOptions options, CancellationToken cancellationToken)
    {
        new SchemaService(_context).EnsureInstalled(cancellationToken);
        var top = options.Top is > 0;
        var sql = SqlResources.Compose("queries/query_slow.sql",
            ("source", options.MinDurationMs >= QueryThresholds.SlowQueryMs ? "slow_source_table" : "slow_source_log"),
            ("order", top ? "slow_top" : null));
        return _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
            command.Parameters.AddWithValue("hours", NpgsqlDbType.Integer, options.Hours);
            command.Parameters.AddWithValue("min_duration_ms", NpgsqlDbType.Double, options.MinDurationMs);
            AddArray(command, "hashes", options.QueryHashes);
            AddArray(command, "endpoints", options.Endpoints);
            if (top)
                command.Parameters.AddWithValue("top", NpgsqlDbType.Bigint, (long)options.Top!.Value);
            var rows = new List<PgSlowQuery>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            // Rows arrive in buffered chunks: the synchronous Read avoids a task per row.
            while (reader.Read())
            {
                var row = new PgSlowQuery
                {
                    Id = reader.GetInt64(0),
                    LoggedAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
                    QueryText = reader.GetString(2),
                    QueryHash = reader.IsDBNull(3) ? null : reader.GetString(3),
                    DurationMs = reader.GetDouble(4),
                    Endpoint = reader.IsDBNull(5) ? null : reader.GetString(5),
                    UserId = reader.IsDBNull(6) ? null : reader.GetString(6),
                    Parameters = reader.IsDBNull(7) ? null : reader.GetString(7),
                    IsError = reader.GetBoolean(8),
                    QueryTruncated = reader.GetBoolean(9),
                };
                Stamp(row, options.Server);
                rows.Add(row);
            }
            // Slowest first, as get_slow_queries orders them; sorting here is cheaper than on the server.
            if (!top)
                rows.Sort(static (a, b) => a.DurationMs != b.DurationMs ? b.DurationMs.CompareTo(a.DurationMs)
                    : a.LoggedAt != b.LoggedAt ? b.LoggedAt.CompareTo(a.LoggedAt) : b.Id.CompareTo(a.Id));
            return (IReadOnlyList<PgSlowQuery>)rows;
        }, cancellationToken);
    }

    public IReadOnlyList<PgQueryStat> GetQueryStats(QueryStatOptions options, CancellationToken cancellationToken)
    {
        var rows = GetLogStats(options, cancellationToken);
        // Grouped by query, each row also carries the server's pg_stat_statements figures for its QueryHash.
        // (A registered server's statements are not matched: statements_by_hash reads this database's own.)
        if (options.GroupBy == QueryStatGroupBy.Query && rows.Count > 0 && options.Server is null)
            _context.Run(async c => { await new Statements.StatementLink(_context).AttachServerFiguresAsync(c, rows, options.Start, options.End, cancellationToken); return true; }, cancellationToken);
        return rows;
    }

    internal IReadOnlyList<PgQueryStat> GetLogStats(QueryStatOptions options, CancellationToken cancellationToken)
    {
        if (options.Start >= options.End)
            throw new PgPerfException(PgPerfErrorIds.Query.InvalidTimeRange, PgPerfErrorKind.InvalidArgument,
                $"Start ({options.Start:u}) must be before End ({options.End:u}).") { ParameterName = "Start" };
        new SchemaService(_context).EnsureInstalled(cancellationToken);
        var plan = QueryStatPlan.For(options);
        if (plan is not null)
            return GetQueryStatsFromRollups(options, plan, cancellationToken);

        var (select, groupBy) = options.GroupBy switch
        {
            QueryStatGroupBy.Query => ("stats_select_query", "stats_group_query"),
            QueryStatGroupBy.Endpoint => ("stats_select_endpoint", "stats_group_endpoint"),
            _ => ((string?)null, (string?)null),
        };
        return _context.Run(async connection =>
        {
            // The version is known once Run has opened the connection.
            var parts = new List<(string, string?)> { ("group_select", select), ("group_by", groupBy) };
            if (options.GroupBy == QueryStatGroupBy.Query)
                parts.Add(("sample", SamplePart()));
            var sql = SqlResources.Compose("queries/query_stats.sql", parts.ToArray());
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
            command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, options.Start.UtcDateTime);
            command.Parameters.AddWithValue("end", NpgsqlDbType.TimestampTz, options.End.UtcDateTime);
            command.Parameters.AddWithValue("slow_ms", NpgsqlDbType.Double, options.SlowThresholdMs);
            AddArray(command, "hashes", options.QueryHashes);
            AddArray(command, "endpoints", options.Endpoints);
            var rows = new List<PgQueryStat>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var c = 0;
                var row = new PgQueryStat { Start = options.Start.ToUniversalTime(), End = options.End.ToUniversalTime(), GroupBy = options.GroupBy, SlowThresholdMs = options.SlowThresholdMs };
                if (options.GroupBy == QueryStatGroupBy.Query)
                {
                    row.QueryHash = reader.IsDBNull(c) ? null : reader.GetString(c);
                    row.QueryText = reader.IsDBNull(c + 1) ? null : reader.GetString(c + 1);
                    c += 2;
                }
                else if (options.GroupBy == QueryStatGroupBy.Endpoint)
                {
                    row.Endpoint = reader.IsDBNull(c) ? null : reader.GetString(c);
                    c += 1;
                }
                row.TotalQueries = reader.GetInt64(c);
                row.SlowQueries = reader.GetInt64(c + 1);
                row.ErrorQueries = reader.GetInt64(c + 2);
                row.AvgDurationMs = NullableDouble(reader, c + 3);
                if (!reader.IsDBNull(c + 4))
                {
                    var pct = reader.GetFieldValue<double[]>(c + 4);
                    (row.P50DurationMs, row.P95DurationMs, row.P99DurationMs) = (pct[0], pct[1], pct[2]);
                }
                row.MinDurationMs = NullableDouble(reader, c + 5);
                row.MaxDurationMs = NullableDouble(reader, c + 6);
                row.TotalDurationMs = reader.IsDBNull(c + 7) ? 0 : reader.GetDouble(c + 7);
                row.Status = QueryThresholds.Classify(row.AvgDurationMs);
                Stamp(row, options.Server);
                rows.Add(row);
            }
            return (IReadOnlyList<PgQueryStat>)rows;
        }, cancellationToken);
    }

    // A group's sample text: any_value from PostgreSQL 16, min before (call inside Run: the version is known then).
    private string SamplePart() => _context.ServerVersionNum >= 160000 ? "sample_any_value" : "sample_min";

    private IReadOnlyList<PgQueryStat> GetQueryStatsFromRollups(QueryStatOptions options, QueryStatPlan plan, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var dirty = new List<DateTime>();
            DateTime? firstRolledUpDay = null;
            await using (var marks = new NpgsqlCommand(SqlResources.Get("queries/query_dirty_hours.sql") + ";\n" + SqlResources.Get("queries/query_first_daily_rollup.sql"), connection))
            {
                marks.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
                marks.Parameters.AddWithValue("a", NpgsqlDbType.TimestampTz, plan.FirstHour);
                marks.Parameters.AddWithValue("b", NpgsqlDbType.TimestampTz, plan.EndHour);
                await using var reader = await marks.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) dirty.Add(reader.GetDateTime(0));
                await reader.NextResultAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0))
                    firstRolledUpDay = reader.GetDateTime(0);
            }
            var byQuery = options.GroupBy == QueryStatGroupBy.Query;
            // Without grouping or a hash filter one digest per day or hour over all queries is enough.
            var overall = !byQuery && options.QueryHashes is not { Length: > 0 };
            var parts = plan.Split(dirty, useBlocks: !overall, firstRolledUpDay);

            var sample = byQuery ? SamplePart() : "sample_none";
            var groups = new Dictionary<string, QueryStatGroup>();
            var sql = overall ? SqlResources.Get("queries/query_stats_rollup_all.sql") : SqlResources.Compose("queries/query_stats_rollup.sql", ("sample", sample));
            await using (var command = new NpgsqlCommand(sql, connection))
            {
                command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
                command.Parameters.AddWithValue("days", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts.Days);
                command.Parameters.AddWithValue("slow_query_ms", NpgsqlDbType.Double, QueryThresholds.SlowQueryMs);
                command.Parameters.AddWithValue("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts.Hours);
                command.Parameters.AddWithValue("raw_from", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts.RawFrom);
                command.Parameters.AddWithValue("raw_to", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts.RawTo);
                if (!overall)
                {
                    command.Parameters.AddWithValue("block_starts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, parts.BlockStarts);
                    command.Parameters.AddWithValue("block_hours", NpgsqlDbType.Array | NpgsqlDbType.Integer, parts.BlockHours);
                    AddArray(command, "hashes", options.QueryHashes);
                }
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = byQuery ? reader.GetString(1) : "";
                    if (!groups.TryGetValue(key, out var g)) groups[key] = g = new QueryStatGroup();
                    g.Add(reader, 0);
                }
            }

            if (byQuery && groups.Count > 0)
            {
                var texts = await ReadSampleTexts(connection, options.Server, groups.Keys, cancellationToken);
                foreach (var (hash, text) in texts)
                    groups[hash].Sample = text;
            }
            if (!byQuery && groups.Count == 0)
                groups[""] = new QueryStatGroup();

            var rows = new List<PgQueryStat>(groups.Count);
            foreach (var (hash, g) in groups)
                rows.Add(Stamp(g.ToStat(options, options.Start, options.End, byQuery ? hash : null, _context.Info), options.Server));
            rows.Sort((a, b) => b.TotalDurationMs != a.TotalDurationMs ? b.TotalDurationMs.CompareTo(a.TotalDurationMs) : string.CompareOrdinal(a.QueryHash, b.QueryHash));
            return (IReadOnlyList<PgQueryStat>)rows;
        }, cancellationToken);

    public IReadOnlyList<PgQueryStat> GetQueryStatsByHour(QueryStatOptions options, CancellationToken cancellationToken)
    {
        var start = options.Start.UtcDateTime;
        var end = options.End.UtcDateTime;
        if (start >= end || QueryStatPlan.Floor(start, QueryRollups.Hour) != start || QueryStatPlan.Floor(end, QueryRollups.Hour) != end)
            throw new PgPerfException(PgPerfErrorIds.Query.InvalidTimeRange, PgPerfErrorKind.InvalidArgument,
                $"Start ({options.Start:u}) and End ({options.End:u}) must be whole hours, Start first.") { ParameterName = "Start" };
        if (options.GroupBy == QueryStatGroupBy.Endpoint || options.Endpoints is { Length: > 0 } || options.SlowThresholdMs != QueryThresholds.SlowQueryMs)
            throw new PgPerfException(PgPerfErrorIds.Query.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                "Figures per hour are read from the rollups: group by query or not at all, with the default slow threshold.");
        new SchemaService(_context).EnsureInstalled(cancellationToken);
        var byQuery = options.GroupBy == QueryStatGroupBy.Query;
        var overall = !byQuery && options.QueryHashes is not { Length: > 0 };
        return _context.Run(async connection =>
        {
            // Each hour is what GetQueryStats reads for [hour, hour + 1): its hourly rollup row when the hour is clean,
            // otherwise its raw rows. One dirty hour is one raw range, so every raw row keeps its hour.
            var dirty = new HashSet<DateTime>();
            await using (var marks = new NpgsqlCommand(SqlResources.Get("queries/query_dirty_hours.sql"), connection))
            {
                marks.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
                marks.Parameters.AddWithValue("a", NpgsqlDbType.TimestampTz, start);
                marks.Parameters.AddWithValue("b", NpgsqlDbType.TimestampTz, end);
                await using var reader = await marks.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) dirty.Add(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            }
            var hours = new List<DateTime>();
            var rawHours = new List<DateTime>();
            for (var h = start; h < end; h += QueryRollups.Hour)
                (dirty.Contains(h) ? rawHours : hours).Add(h);

            var groups = new SortedDictionary<(DateTime Hour, string Hash), QueryStatGroup>();
            await using (var command = new NpgsqlCommand(SqlResources.Get(overall ? "queries/query_stats_by_hour_all.sql" : "queries/query_stats_by_hour.sql"), connection))
            {
                command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(options.Server));
                command.Parameters.AddWithValue("hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, hours.ToArray());
                command.Parameters.AddWithValue("raw_hours", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rawHours.ToArray());
                command.Parameters.AddWithValue("slow_query_ms", NpgsqlDbType.Double, QueryThresholds.SlowQueryMs);
                if (!overall)
                    AddArray(command, "hashes", options.QueryHashes);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = (DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), byQuery ? reader.GetString(2) : "");
                    if (!groups.TryGetValue(key, out var g)) groups[key] = g = new QueryStatGroup();
                    g.Add(reader, 1);
                }
            }
            var texts = byQuery && groups.Count > 0
                ? await ReadSampleTexts(connection, options.Server, groups.Keys.Select(k => k.Hash).Distinct(), cancellationToken)
                : new Dictionary<string, string>();
            var rows = new List<PgQueryStat>(groups.Count);
            foreach (var ((hour, hash), g) in groups)
            {
                if (g.Digest.Count == 0)
                    continue;
                if (texts.TryGetValue(hash, out var text)) g.Sample = text;
                var from = new DateTimeOffset(hour, TimeSpan.Zero);
                rows.Add(Stamp(g.ToStat(options, from, from.AddHours(1), byQuery ? hash : null, _context.Info), options.Server));
            }
            // Within an hour, as GetQueryStats orders its rows.
            rows.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
                : b.TotalDurationMs != a.TotalDurationMs ? b.TotalDurationMs.CompareTo(a.TotalDurationMs) : string.CompareOrdinal(a.QueryHash, b.QueryHash));
            return (IReadOnlyList<PgQueryStat>)rows;
        }, cancellationToken);
    }

    /// <summary>Stamps a row with where it came from: this database, or the registered server it was read for.</summary>
    private T Stamp<T>(T row, StatementServer? server) where T : PgServerRecord
    {
        if (server is null)
            row.From(_context.Info);
        else
            (row.Server, row.Connection) = (server.Name, server.Connection ?? _context.Info);
        return row;
    }

    private static async Task<Dictionary<string, string>> ReadSampleTexts(NpgsqlConnection connection, StatementServer? server, IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand(SqlResources.Get("queries/query_sample_texts.sql"), connection);
        command.Parameters.AddWithValue("server_id", NpgsqlDbType.Integer, StatementServer.IdOf(server));
        command.Parameters.AddWithValue("h", NpgsqlDbType.Array | NpgsqlDbType.Text, hashes.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            texts[reader.GetString(0)] = reader.GetString(1);
        return texts;
    }

    private static double? NullableDouble(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static void AddArray(NpgsqlCommand command, string name, string[]? values) =>
        command.Parameters.AddWithValue(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values is { Length: > 0 } ? values : DBNull.Value);
}
