using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace PgPerf.Engine.Index;

internal sealed class IndexService : IIndexService
{
    internal const string AlertType = "unused_index";
    internal const string SnapshotStepName = "index snapshot";

    private readonly PgServerContext _context;

    public IndexService(PgServerContext context) => _context = context;

    private PgConnectionInfo Info => _context.Info;

    public PgSnapshotResult CaptureSnapshot(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var sw = Stopwatch.StartNew();
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var (count, at) = await connection.QuerySingleAsync<(int, DateTime)>(new CommandDefinition(
                SqlResources.Get("queries/index_capture.sql"), transaction: tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
            var result = new PgSnapshotResult { Kind = "Index", Count = count, CapturedAt = Utc(at), DurationMs = sw.Elapsed.TotalMilliseconds };
            result.From(Info);
            return result;
        }, cancellationToken);

    public IReadOnlyList<PgUnusedIndex> GetUnusedIndexes(PgUnusedIndexOptions options, CancellationToken cancellationToken) =>
        GetUnusedIndexes(options, LookbackStart(options), cancellationToken);

    /// <param name="since">Where the history read begins (the tests fix it to compare with their reference, UnusedIndexReference).</param>
    internal IReadOnlyList<PgUnusedIndex> GetUnusedIndexes(PgUnusedIndexOptions options, DateTime since, CancellationToken cancellationToken)
    {
        CheckMinDays(options);
        return _context.Run(async connection =>
        {
            // The steps stored at capture time: a few rows per index, whatever the length of the history.
            var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
                SqlResources.Get("queries/index_summary.sql"),
                new { server_id = options.Server?.ServerId ?? 0, since, days = options.MinDaysUnused, ignoreStatsAge = options.IgnoreStatsAge },
                cancellationToken: cancellationToken));
            var result = new List<PgUnusedIndex>();
            foreach (var ix in rows)
            {
                if ((ix.IsConstraint || ix.IsUnique || ix.IsPrimary) && !options.IncludeConstraintIndexes)
                    continue;
                var assessment = IndexUsageVerdict.Judge(new IndexUsageSummary
                {
                    ObservedSince = ix.ObservedSince is { } o ? Utc(o) : null, ObservedSeconds = ix.ObservedSeconds,
                    BlindSeconds = ix.BlindSeconds, BlindGaps = ix.BlindGaps, ScansInWindow = ix.ScansInWindow,
                    LastScanAt = ix.LastScanAt is { } l ? Utc(l) : null, UnusedSeconds = ix.UnusedSeconds,
                }, ix.SizeBytes, options.MinDaysUnused, options.IgnoreStatsAge);
                // The status is the spec's verdict (pgperf.index_usage_status, the one detect_unused_indexes applies);
                // Judge gives the day counts, and holds the same rule for the C# reference (IndexUsageVerdictSourcesTests).
                result.Add(ToUnused(ix, assessment with { Status = ix.Status }, options.Server));
            }
            return (IReadOnlyList<PgUnusedIndex>)result;
        }, cancellationToken);
    }

    internal static DateTime LookbackStart(PgUnusedIndexOptions options) =>
        DateTime.UtcNow.AddDays(-IndexUsageVerdict.LookbackDays(options.MinDaysUnused));

    private static void CheckMinDays(PgUnusedIndexOptions options)
    {
        if (options.MinDaysUnused < 1)
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"MinDaysUnused must be 1 or more (got {options.MinDaysUnused}).") { ParameterName = "MinDaysUnused" };
    }

    private PgUnusedIndex ToUnused(SummaryRow ix, IndexUsageAssessment assessment, PgMonitoredServer? server)
    {
        var row = new PgUnusedIndex
        {
            Schema = ix.Schema, Table = ix.Table, Index = ix.Index, SizeBytes = ix.SizeBytes,
            DaysSinceLastScan = assessment.DaysSinceLastScan, ScansInWindow = assessment.ScansInWindow,
            ObservedDays = assessment.ObservedDays, BlindDays = assessment.BlindDays, BlindGaps = assessment.BlindGaps,
            ObservedSince = assessment.ObservedSince, LastScanAt = assessment.LastScanAt, Status = assessment.Status,
            IsUnique = ix.IsUnique, IsPrimary = ix.IsPrimary, IsConstraint = ix.IsConstraint, IsValid = ix.IsValid,
            Definition = ix.Definition,
        };
        // Rows read from a repository name the registered server.
        if (server is null) row.From(Info);
        else row.From(server);
        return row;
    }

    public PgIndexAlertCheck CheckUnusedIndexAlerts(PgUnusedIndexOptions options, CancellationToken cancellationToken)
    {
        var candidates = GetUnusedIndexes(options, cancellationToken).Where(i => i.Status == PgIndexStatus.ConsiderDropping).ToList();
        // A registered server's indexes, judged from a repository's history, raise that server's alerts there.
        var serverId = options.Server?.ServerId ?? StatementServer.Local;
        return _context.Run(async connection =>
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var keys = new List<string>();
            foreach (var ix in candidates)
            {
                var subject = $"{ix.Schema}.{ix.Index}";
                var key = $"{AlertType}:{subject}";
                keys.Add(key);
                var details = JsonSerializer.Serialize(new
                {
                    schema = ix.Schema, table = ix.Table, index = ix.Index, size_bytes = ix.SizeBytes,
                    days_since_last_scan = ix.DaysSinceLastScan, observed_days = ix.ObservedDays, blind_days = ix.BlindDays,
                    definition = ix.Definition,
                });
                await connection.ExecuteAsync(new CommandDefinition(
                    SqlResources.Get("queries/alert_create.sql"),
                    new
                    {
                        server_id = serverId, type = AlertType, severity = "warning", subject, key, details,
                        message = $"Index {subject} on table {ix.Table} ({PgSize.Pretty(ix.SizeBytes)}) has not been scanned for {ix.DaysSinceLastScan:0} observed days; consider dropping it (Remove-PgIndex keeps the DDL to recreate it).",
                    }, tx, cancellationToken: cancellationToken));
            }
            var resolved = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                SqlResources.Get("queries/alert_resolve_stale.sql"), new { server_id = serverId, type = AlertType, keys = keys.ToArray() }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
            var check = new PgIndexAlertCheck { OpenKeys = keys.ToArray(), Resolved = resolved };
            check.From(Info);
            return check;
        }, cancellationToken);
    }

    public IReadOnlyList<PgIndexTrend> GetTrend(string? schema, string table, string? index, int days, CancellationToken cancellationToken) =>
        GetTrend(schema, table, index, days, server: null, cancellationToken);

    public IReadOnlyList<PgIndexTrend> GetTrend(string? schema, string table, string? index, int days, PgMonitoredServer? server, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(table))
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument, "Give the name of a table with -Table.") { ParameterName = "Table" };
        if (days < 1)
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument, $"Days must be 1 or more (got {days}).") { ParameterName = "Days" };

        return _context.Run(async connection =>
        {
            var serverId = server?.ServerId ?? 0;
            var found = (await connection.QueryAsync<(string Schema, string Table)>(new CommandDefinition(
                SqlResources.Get("queries/index_resolve_table.sql"), new { server_id = serverId, schema, table }, cancellationToken: cancellationToken))).ToList();
            var (s, t) = OneTable(found, schema, table, server);
            var today = DateTime.UtcNow.Date;
            var from = today.AddDays(-(days - 1));
            var rows = await connection.QueryAsync<PgIndexTrend>(new CommandDefinition(
                SqlResources.Get("queries/index_trend.sql"),
                new { server_id = serverId, since = from.AddDays(-2), from, schema = s, table = t, index }, cancellationToken: cancellationToken));
            return (IReadOnlyList<PgIndexTrend>)rows.Select(trend =>
            {
                // Rows read from a repository name the registered server.
                if (server is null) trend.From(Info);
                else trend.From(server);
                return trend;
            }).ToList();
        }, cancellationToken);
    }

    public IReadOnlyList<PgDuplicateIndex> GetDuplicates(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<PgDuplicateIndex>(new CommandDefinition(
                SqlResources.Get("queries/index_duplicates.sql"), cancellationToken: cancellationToken));
            return (IReadOnlyList<PgDuplicateIndex>)Stamp(rows);
        }, cancellationToken);

    public IReadOnlyList<PgInvalidIndex> GetInvalid(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<PgInvalidIndex>(new CommandDefinition(
                SqlResources.Get("queries/index_invalid.sql"), cancellationToken: cancellationToken));
            return (IReadOnlyList<PgInvalidIndex>)Stamp(rows);
        }, cancellationToken);

    public PgIndexDropPlan PlanDrop(string? schema, string index, int lockTimeoutSeconds, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(index))
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument, "Give the name of an index with -Index.") { ParameterName = "Index" };
        if (lockTimeoutSeconds < 1)
            throw new PgPerfException(PgPerfErrorIds.Index.InvalidArgument, PgPerfErrorKind.InvalidArgument,
                $"LockTimeoutSeconds must be 1 or more (got {lockTimeoutSeconds}).") { ParameterName = "LockTimeoutSeconds" };

        return _context.Run(async connection =>
        {
            var found = (await connection.QueryAsync<DropRow>(new CommandDefinition(
                SqlResources.Get("queries/index_drop_plan.sql"), new { schema, index }, cancellationToken: cancellationToken))).ToList();
            var where = schema is null ? $"in database {Info.Database ?? "(default)"} on {Info.Endpoint}" : $"in schema '{schema}' of database {Info.Database ?? "(default)"} on {Info.Endpoint}";
            if (found.Count == 0)
                throw new PgPerfException(PgPerfErrorIds.Index.NotFound, PgPerfErrorKind.ObjectNotFound,
                    $"There is no index named '{index}' {where}. Index names are exact and case-sensitive; Get-PgUnusedIndex lists them.", index)
                { ParameterName = "Index" };
            if (found.Count > 1)
                throw new PgPerfException(PgPerfErrorIds.Index.Ambiguous, PgPerfErrorKind.InvalidArgument,
                    $"Index '{index}' exists in schemas {string.Join(", ", found.Select(f => $"'{f.Schema}'"))}; say which with -Schema.", index)
                { ParameterName = "Schema" };
            var ix = found[0];
            if (ix.Constraints is not null || ix.IsPrimary || ix.IsReplicaIdentity)
            {
                var what = ix.Constraints ?? (ix.IsPrimary ? "the primary key" : "the replica identity");
                throw new PgPerfException(PgPerfErrorIds.Index.ConstraintBacked, PgPerfErrorKind.InvalidOperation,
                    $"Index {ix.Schema}.{ix.Index} enforces {what}{(ix.IsReplicaIdentity && ix.Constraints is not null ? " and is the replica identity" : "")}; " +
                    "Remove-PgIndex does not drop constraint-backed indexes. Drop the constraint with ALTER TABLE ... DROP CONSTRAINT if it is really not needed.", $"{ix.Schema}.{ix.Index}");
            }
            if (ix.ParentIndex is not null)
                throw new PgPerfException(PgPerfErrorIds.Index.AttachedToParent, PgPerfErrorKind.InvalidOperation,
                    $"Index {ix.Schema}.{ix.Index} is a partition's part of the partitioned index {ix.ParentIndex}; PostgreSQL drops it only with its parent. " +
                    $"Drop {ix.ParentIndex} instead (Remove-PgIndex -Index on the parent) if the whole index is not needed.", $"{ix.Schema}.{ix.Index}")
                { ParameterName = "Index" };
            var lockTimeout = $"SET lock_timeout = '{lockTimeoutSeconds}s'";
            return new PgIndexDropPlan
            {
                Server = Info.Server, Schema = ix.Schema, Table = ix.Table, Index = ix.Index, SizeBytes = ix.SizeBytes,
                DropSql = ix.DropSql, Sql = $"{lockTimeout}; {ix.DropSql};", RollbackDdl = ToRollback(ix),
                LockTimeoutSeconds = lockTimeoutSeconds,
            };
        }, cancellationToken);
    }

    public PgIndexDropResult Drop(PgIndexDropPlan plan, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // Written and committed before the DROP: the way back survives whatever happens next.
            var logId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                SqlResources.Get("queries/index_drop_log.sql"), plan, cancellationToken: cancellationToken));
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/lock_timeout_session.sql"),
                    new { value = $"{plan.LockTimeoutSeconds}s" }, cancellationToken: cancellationToken));
                // DROP INDEX CONCURRENTLY cannot run in a transaction block: it goes alone, in autocommit.
                await using (var drop = new NpgsqlCommand(plan.DropSql, connection) { CommandTimeout = 0 })
                    await drop.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    SqlResources.Get("queries/index_drop_failed.sql"),
                    new { logId, error = PgErrors.Scrub(ex.Message, Info) }, cancellationToken: CancellationToken.None));
                throw;
            }
            finally
            {
                await connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/lock_timeout_reset.sql"), cancellationToken: CancellationToken.None));
            }
            var droppedAt = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
                SqlResources.Get("queries/index_drop_done.sql"), new { logId, type = AlertType, key = $"{AlertType}:{plan.Schema}.{plan.Index}" }, cancellationToken: CancellationToken.None));
            var result = new PgIndexDropResult
            {
                Schema = plan.Schema, Table = plan.Table, Index = plan.Index, DroppedAt = Utc(droppedAt), SizeBytes = plan.SizeBytes,
                RollbackDdl = plan.RollbackDdl, Sql = plan.Sql, LogId = logId,
            };
            result.From(Info);
            return result;
        }, cancellationToken);

    /// <summary>
    /// pg_get_indexdef always begins "CREATE INDEX" or "CREATE UNIQUE INDEX"; the way back should not block writes
    /// either. A partitioned table's index is built again on every partition, which cannot be concurrent.
    /// </summary>
    private static string ToRollback(DropRow ix) => ix.PartitionedDefinition is { } whole ? whole + ";" : ToRollback(ix.Definition);

    internal static string ToRollback(string definition)
    {
        const string marker = " INDEX ";
        var at = definition.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? definition + ";" : definition[..at] + " INDEX CONCURRENTLY " + definition[(at + marker.Length)..] + ";";
    }

    private (string Schema, string Table) OneTable(List<(string Schema, string Table)> found, string? schema, string table, PgMonitoredServer? server)
    {
        if (found.Count == 1)
            return found[0];
        if (found.Count == 0)
            throw new PgPerfException(PgPerfErrorIds.Index.TableNotFound, PgPerfErrorKind.ObjectNotFound,
                $"There is no table named '{table}'{(schema is null ? "" : $" in schema '{schema}'")} " +
                (server is null
                    ? $"in database {Info.Database ?? "(default)"} on {Info.Endpoint}. "
                    : $"with indexes in the latest index snapshot of server {server.Name} in the repository on {Info.Endpoint} (Invoke-PgIndexSnapshot -Repository takes one). ") +
                "Table names are exact and case-sensitive.", table) { ParameterName = "Table" };
        throw new PgPerfException(PgPerfErrorIds.Index.AmbiguousTable, PgPerfErrorKind.InvalidArgument,
            $"Table '{table}' exists in schemas {string.Join(", ", found.Select(f => $"'{f.Schema}'"))}; say which with -Schema.", table) { ParameterName = "Schema" };
    }

    private List<T> Stamp<T>(IEnumerable<T> rows) where T : PgServerRecord
    {
        var list = rows.ToList();
        foreach (var row in list) row.From(Info);
        return list;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    // A row of index_summary.sql: the index as PgUnusedIndex shows it, and its history as IndexUsageVerdict reads it.
    private sealed class SummaryRow
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string Index { get; set; } = "";
        public long SizeBytes { get; set; }
        public bool IsUnique { get; set; }
        public bool IsPrimary { get; set; }
        public bool IsConstraint { get; set; }
        public bool IsValid { get; set; }
        public string Definition { get; set; } = "";
        public DateTime? ObservedSince { get; set; }
        public double ObservedSeconds { get; set; }
        public double BlindSeconds { get; set; }
        public int BlindGaps { get; set; }
        public long ScansInWindow { get; set; }
        public DateTime? LastScanAt { get; set; }
        public double? UnusedSeconds { get; set; }
        public string Status { get; set; } = "";
    }

    private sealed class DropRow
    {
        public string Schema { get; set; } = "";
        public string Table { get; set; } = "";
        public string Index { get; set; } = "";
        public long SizeBytes { get; set; }
        public string Definition { get; set; } = "";
        public string DropSql { get; set; } = "";
        public string? PartitionedDefinition { get; set; }
        public string? ParentIndex { get; set; }
        public string? Constraints { get; set; }
        public bool IsPrimary { get; set; }
        public bool IsReplicaIdentity { get; set; }
    }
}
