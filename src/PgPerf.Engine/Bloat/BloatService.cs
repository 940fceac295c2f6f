using System.Diagnostics;
using Dapper;
using Npgsql;

namespace PgPerf.Engine.Bloat;

internal sealed class BloatService : IBloatService
{
    private const string ExtensionErrorId = PgPerfErrorIds.Bloat.ExtensionMissing;
    internal const string SnapshotStepName = "bloat snapshot";
    // The daily job's step that measures and judges bloat; a repository's hourly job judges each server under this name.
    internal const string AlertStepName = "high bloat";
    private readonly PgServerContext _context;

    public BloatService(PgServerContext context) => _context = context;

    public IReadOnlyList<PgTableBloat> Estimate(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // A row of pgperf.table_bloat_estimate(), which rates its own estimate (BloatRuleSourcesTests holds that to BloatMath).
            var rows = await connection.QueryAsync<PgTableBloat>(new CommandDefinition(
                SqlResources.Get("queries/bloat_estimate.sql"), commandTimeout: 300, cancellationToken: cancellationToken));
            var now = DateTimeOffset.UtcNow;
            return (IReadOnlyList<PgTableBloat>)rows.Select(r => Stamp(r, PgBloatMethod.Estimate, now)).ToList();
        }, cancellationToken);

    public IReadOnlyList<PgTableBloat> GetLatestStored(PgMonitoredServer server, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<PgTableBloat>(new CommandDefinition(
                SqlResources.Get("queries/bloat_latest_server.sql"), new { server_id = server.ServerId }, cancellationToken: cancellationToken));
            return (IReadOnlyList<PgTableBloat>)rows.Select(row =>
            {
                Stamp(row, row.Method, row.MeasuredAt).From(server);
                return row;
            }).ToList();
        }, cancellationToken);

    public IReadOnlyList<PgTableBloatPoint> GetHistory(DateTimeOffset since, CancellationToken cancellationToken) =>
        GetHistory(since, null, cancellationToken);

    public IReadOnlyList<PgTableBloatPoint> GetHistory(DateTimeOffset since, PgMonitoredServer? server, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<PgTableBloatPoint>(new CommandDefinition(
                SqlResources.Get("queries/bloat_trend.sql"), new { server_id = server?.ServerId ?? 0, since = since.ToUniversalTime() },
                cancellationToken: cancellationToken));
            return (IReadOnlyList<PgTableBloatPoint>)rows.Select(point =>
            {
                // Rows read from a repository name the registered server.
                if (server is null) point.From(_context.Info);
                else point.From(server);
                return point;
            }).ToList();
        }, cancellationToken);

    public bool HasPgstattuple(CancellationToken cancellationToken) => ExtensionSchema(cancellationToken) is not null;

    public void EnsurePgstattuple(CancellationToken cancellationToken)
    {
        if (ExtensionSchema(cancellationToken) is null)
            throw ExtensionMissing();
    }

    public PgTableBloat Measure(PgTableBloat table, PgBloatMethod method, CancellationToken cancellationToken) =>
        Measure(table, method, lockTimeoutMs: 5000, cancellationToken);

    private PgTableBloat Measure(PgTableBloat table, PgBloatMethod method, int lockTimeoutMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (method == PgBloatMethod.Estimate)
            return table;
        var schema = ExtensionSchema(cancellationToken) ?? throw ExtensionMissing();

        if (table.Kind == "PartitionedTable")
        {
            var leaves = LeafNames(table, cancellationToken);
            var estimates = Estimate(cancellationToken).Where(e => leaves.Contains((e.Schema, e.Table))).ToList();
            var parts = estimates.Select(e => Measure(e, method, lockTimeoutMs, cancellationToken)).ToList();
            var sum = new PgBloatFigures(parts.Sum(p => p.TableBytes), parts.Sum(p => p.BloatBytes), parts.Sum(p => p.LiveTuples), parts.Sum(p => p.DeadTuples));
            return WithFigures(table, sum, method, parts.SelectMany(p => p.Flags).Prepend("PartitionedParent").Distinct().ToArray());
        }

        PgBloatFigures figures;
        try
        {
            figures = _context.Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Wait only briefly for a table someone holds an exclusive lock on (VACUUM FULL, ALTER TABLE).
            await LockTimeout.SetLocalAsync(connection, transaction, lockTimeoutMs, cancellationToken);
            var target = await connection.QuerySingleOrDefaultAsync<(long Oid, long ToastOid)?>(new CommandDefinition(
                SqlResources.Get("queries/bloat_target.sql"),
                new { name = table.QualifiedName }, transaction, cancellationToken: cancellationToken));
            if (target is null)
                throw TableNotFound(table.Schema, table.Table);

            var heap = await StatTupleAsync(connection, transaction, StatTupleSql(schema, method), target.Value.Oid, cancellationToken);
            // pgstattuple_approx reads TOAST tables from PostgreSQL 14 on; before that the TOAST part is measured exactly.
            var toastMethod = method == PgBloatMethod.Approx && _context.ServerVersionNum < 140000 ? PgBloatMethod.Exact : method;
            var toast = target.Value.ToastOid == 0 ? null
                : await StatTupleAsync(connection, transaction, StatTupleSql(schema, toastMethod), target.Value.ToastOid, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return BloatMath.FromStatTuple(heap, toast, table.FillFactor, table.FixedWidth,
                table.EstimatedRowBytes > 0 && !table.Flags.Contains("NoStats") && !table.Flags.Contains("NoStatsAccess") ? table.EstimatedRowBytes : null);
        }, cancellationToken);
        }
        catch (PgPerfException ex) when (ex.ErrorId == PgPerfErrorIds.PermissionDenied)
        {
            throw PermissionHint(ex);
        }

        // pgstattuple counts the data of dropped columns as live; a rewrite gives it back.
        var flags = table.Flags.Where(f => f is "DroppedColumns" or "PartitionedParent").ToArray();
        return WithFigures(table, figures, method, flags);
    }

    // The extension's schema comes from the catalog, never from the user.
    private static string StatTupleSql(string extensionSchema, PgBloatMethod method)
    {
        var function = method == PgBloatMethod.Exact ? "pgstattuple" : "pgstattuple_approx";
        return SqlResources.WithNames($"queries/bloat_{function}.sql", (function, extensionSchema, function));
    }

    /// <summary>
    /// Raises or resolves server <paramref name="serverId"/>'s high_bloat alerts from its latest stored snapshot (0 = this
    /// database; a registered server's in a repository); returns how many are open.
    /// </summary>
    internal int CheckAlerts(int serverId, PgBloatSnapshotOptions options, CancellationToken cancellationToken) =>
        _context.Run(async connection => await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            SqlResources.Get("queries/bloat_check_alerts.sql"),
            new { server_id = serverId, threshold = options.AlertThresholdPercent, floor = options.AlertMinWastedBytes }, cancellationToken: cancellationToken)), cancellationToken);

    public PgSnapshotResult CaptureSnapshot(PgBloatSnapshotOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var (count, captured) = CaptureEstimates(options.LockTimeoutMs, cancellationToken);

        // Locked tables were sized from the catalog instead of waited for: the step says which.
        var skipped = _context.Run(async connection => (await connection.QueryAsync<(string Schema, string Table)>(new CommandDefinition(
                SqlResources.Get("queries/bloat_snapshot_catalog_sized.sql"), new { capturedAt = captured }, cancellationToken: cancellationToken))).ToList(), cancellationToken)
            .Select(t => LockedNote(PgIdentifier.Qualify(t.Schema, t.Table))).ToList();
        if (!options.SkipPgstattupleCheck && HasPgstattuple(cancellationToken))
            Confirm(captured, options, clock, skipped, cancellationToken);

        CheckAlerts(StatementServer.Local, options, cancellationToken);

        var result = new PgSnapshotResult
        {
            Kind = "TableBloat",
            Count = count,
            CapturedAt = captured,
            DurationMs = clock.Elapsed.TotalMilliseconds,
            Skipped = skipped.ToArray(),
        };
        result.From(_context.Info);
        return result;
    }

    // The note of a table skipped for a lock, the same whether the capture or a confirmation met it.
    private static string LockedNote(string table) => $"{table} (locked)";

    // How many times the capture starts again when a lock request arrived while it ran (the next try sees it in
    // pg_locks and sizes that table from the catalog instead of waiting).
    private const int CaptureAttempts = 3;

    // The snapshot of every table in one transaction under a short lock_timeout: the estimate never waits for a lock
    // it can see in pg_locks, and the timeout covers a request that arrives after it looked.
    private (int Count, DateTimeOffset CapturedAt) CaptureEstimates(int lockTimeoutMs, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (count, capturedAt) = _context.Run(async connection =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await LockTimeout.SetLocalAsync(connection, transaction, lockTimeoutMs, cancellationToken);
                    var row = await connection.QuerySingleAsync<(int, DateTime)>(new CommandDefinition(
                        SqlResources.Get("queries/bloat_capture.sql"), transaction: transaction, commandTimeout: 300, cancellationToken: cancellationToken));
                    await transaction.CommitAsync(cancellationToken);
                    return row;
                }, cancellationToken);
                return (count, new DateTimeOffset(DateTime.SpecifyKind(capturedAt, DateTimeKind.Utc)));
            }
            catch (PgPerfException ex) when (ex.ErrorId == PgPerfErrorIds.LockNotAvailable && attempt < CaptureAttempts)
            {
            }
        }
    }

    // Replaces the estimate of the worst (and the least trusted) tables with pgstattuple_approx, largest first,
    // until the time budget runs out. Locked or vanished tables keep their estimate and are reported as skipped.
    private void Confirm(DateTimeOffset capturedAt, PgBloatSnapshotOptions options, Stopwatch clock, List<string> skipped, CancellationToken cancellationToken)
    {
        var candidates = _context.Run(async connection => (await connection.QueryAsync<(long Id, string Schema, string Table)>(new CommandDefinition(
            SqlResources.Get("queries/bloat_confirm_candidates.sql"), new { capturedAt, above = options.ConfirmAbovePercent }, cancellationToken: cancellationToken))).ToList(), cancellationToken);
        if (candidates.Count == 0)
            return;

        var estimates = Estimate(cancellationToken).ToDictionary(e => (e.Schema, e.Table));
        foreach (var (id, schema, table) in candidates)
        {
            var name = PgIdentifier.Qualify(schema, table);
            if (clock.Elapsed.TotalSeconds >= options.TimeBudgetSeconds)
            {
                skipped.Add($"{name} (time budget)");
                continue;
            }
            // Locked when the capture looked: measuring it would only wait out the lock_timeout again.
            if (skipped.Contains(LockedNote(name)))
                continue;
            if (!estimates.TryGetValue((schema, table), out var estimate))
            {
                skipped.Add($"{name} (dropped)");
                continue;
            }
            try
            {
                var measured = Measure(estimate, PgBloatMethod.Approx, options.LockTimeoutMs, cancellationToken);
                _context.Run(async connection => await connection.ExecuteAsync(new CommandDefinition(
                    SqlResources.Get("queries/bloat_confirm_update.sql"),
                    new { id, measured.TableBytes, measured.BloatBytes, measured.BloatPercent, measured.LiveTuples, measured.DeadTuples,
                          Confidence = measured.Confidence.ToString(), Flags = measured.Flags.ToArray() }, cancellationToken: cancellationToken)), cancellationToken);
            }
            catch (PgPerfException ex) when (ex.ErrorId is PgPerfErrorIds.LockNotAvailable or PgPerfErrorIds.Timeout)
            {
                skipped.Add(ex.ErrorId == PgPerfErrorIds.Timeout ? $"{name} (statement timeout)" : LockedNote(name));
            }
            catch (PgPerfException ex) when (ex.ErrorId == PgPerfErrorIds.Bloat.TableNotFound || DroppedMeanwhile(ex, schema, table, cancellationToken))
            {
                skipped.Add($"{name} (dropped)");
            }
        }
    }

    // pgstattuple opens the table by the OID looked up just before; a table dropped in between makes PostgreSQL raise
    // an internal error (SQLSTATE XX000, "could not open relation with OID"). That SQLSTATE and the table's absence
    // now say it was dropped; any other failure, or XX000 on a table that is still there, is a real error.
    private bool DroppedMeanwhile(PgPerfException ex, string schema, string table, CancellationToken cancellationToken)
    {
        if (ex.InnerException is not PostgresException { SqlState: PostgresErrorCodes.InternalError })
            return false;
        try
        {
            EnsureTableExists(schema, table, cancellationToken);
            return false;
        }
        catch (PgPerfException gone) when (gone.ErrorId == PgPerfErrorIds.Bloat.TableNotFound)
        {
            return true;
        }
    }

    public void EnsureTableExists(string schema, string table, CancellationToken cancellationToken) =>
        _context.Run(connection => TableOidAsync(connection, schema, table, cancellationToken), cancellationToken);

    private async Task<long> TableOidAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SqlResources.Get("queries/relation_oid.sql"), new { name = PgIdentifier.Qualify(schema, table) }, cancellationToken: cancellationToken))
        ?? throw TableNotFound(schema, table);

    public PgVacuumResult Vacuum(string schema, string table, bool full, bool analyze, CancellationToken cancellationToken)
    {
        var sql = PgVacuumSql.Build(schema, table, full, analyze);
        var name = PgIdentifier.Qualify(schema, table);
        return _context.Run(async connection =>
        {
            var oid = await TableOidAsync(connection, schema, table, cancellationToken);
            // VACUUM on a table the role may not maintain only warns and does nothing: refuse it clearly instead.
            var permitted = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                SqlResources.Get("queries/vacuum_permitted.sql"), new { oid }, cancellationToken: cancellationToken));
            if (!permitted)
                throw new PgPerfException(PgPerfErrorIds.PermissionDenied, PgPerfErrorKind.PermissionDenied,
                    $"The role '{_context.Info.Username ?? "(default)"}' may not vacuum {name} on {_context.Info.Server}: only its owner or the database owner can " +
                    "(PostgreSQL 17: the MAINTAIN privilege or pg_maintain). Run Invoke-PgVacuum as the table's owner.", name);
            var sizeSql = SqlResources.Get("queries/vacuum_table_bytes.sql");
            var before = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sizeSql, new { oid }, cancellationToken: cancellationToken));
            var clock = Stopwatch.StartNew();
            // No transaction here: VACUUM refuses to run inside one. The statement holds only quoted identifiers.
            await connection.ExecuteAsync(new CommandDefinition(sql, commandTimeout: 0, cancellationToken: cancellationToken));
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var after = await connection.ExecuteScalarAsync<long>(new CommandDefinition(sizeSql, new { oid }, cancellationToken: cancellationToken));
            var result = new PgVacuumResult { Schema = schema, Table = table, Sql = sql, BytesBefore = before, BytesAfter = after, DurationMs = elapsed };
            result.From(_context.Info);
            return result;
        }, cancellationToken);
    }

    private static async Task<PgStatTupleFigures> StatTupleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, long oid, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<(long, double, double, double, double, double, double)>(
            new CommandDefinition(sql, new { oid }, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        return new PgStatTupleFigures(row.Item1, row.Item2, row.Item3, row.Item4, row.Item5, row.Item6, row.Item7);
    }

    private HashSet<(string, string)> LeafNames(PgTableBloat table, CancellationToken cancellationToken) =>
        _context.Run(async connection => (await connection.QueryAsync<(string, string)>(new CommandDefinition(
            SqlResources.Get("queries/bloat_partition_leaves.sql"), new { name = table.QualifiedName }, cancellationToken: cancellationToken))).ToHashSet(), cancellationToken);

    internal string? ExtensionSchema(CancellationToken cancellationToken) =>
        _context.Run(async connection => await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            SqlResources.Get("queries/pgstattuple_schema.sql"), cancellationToken: cancellationToken)), cancellationToken);

    internal PgPerfException ExtensionMissing() =>
        new(ExtensionErrorId, PgPerfErrorKind.NotInstalled,
            $"-Method Approx and Exact need the pgstattuple extension, which is not installed in database {_context.Info.Database ?? "(default)"} on {_context.Info.Endpoint}. " +
            "Install it once as a superuser: CREATE EXTENSION pgstattuple; then let the monitoring role use it: GRANT pg_stat_scan_tables TO <role>; " +
            "(or use -Method Estimate, which needs no extension).", _context.Info.Server)
        { ParameterName = "Method" };

    internal PgPerfException PermissionHint(PgPerfException ex) =>
        new(PgPerfErrorIds.Bloat.PermissionDenied, PgPerfErrorKind.PermissionDenied,
            $"The role '{_context.Info.Username ?? "(default)"}' on {_context.Info.Server} may not run pgstattuple: {ex.Message} Grant it with: GRANT pg_stat_scan_tables TO <role>;",
            ex.Target, ex);

    private PgPerfException TableNotFound(string schema, string table) =>
        new(PgPerfErrorIds.Bloat.TableNotFound, PgPerfErrorKind.ObjectNotFound,
            $"Table {PgIdentifier.Qualify(schema, table)} does not exist in database {_context.Info.Database ?? "(default)"} on {_context.Info.Server}. Check -Schema and -Table (names are case-sensitive).",
            PgIdentifier.Qualify(schema, table)) { ParameterName = "Table" };

    // A measurement of a table whose estimate is known: the estimate's identity and shape, the measured figures.
    private PgTableBloat WithFigures(PgTableBloat source, PgBloatFigures figures, PgBloatMethod method, string[] flags) =>
        Stamp(new PgTableBloat
        {
            Schema = source.Schema,
            Table = source.Table,
            Kind = source.Kind,
            TableBytes = figures.TableBytes,
            BloatBytes = figures.BloatBytes,
            BloatPercent = figures.BloatPercent,
            LiveTuples = figures.LiveTuples,
            DeadTuples = figures.DeadTuples,
            Flags = flags,
            // Measured flags are DroppedColumns and PartitionedParent only: Medium with dropped columns, else High.
            Confidence = BloatMath.Confidence(flags),
            FillFactor = source.FillFactor,
            FixedWidth = source.FixedWidth,
            EstimatedRowBytes = source.EstimatedRowBytes,
            TableOid = source.TableOid,
            ToastOid = source.ToastOid,
        }, method, DateTimeOffset.UtcNow);

    // What every PgTableBloat gets, estimated or measured: the Status band, how it was obtained, when, and where.
    private PgTableBloat Stamp(PgTableBloat record, PgBloatMethod method, DateTimeOffset measuredAt)
    {
        record.Status = BloatMath.Status(record.BloatPercent);
        record.Method = method;
        record.MeasuredAt = measuredAt;
        record.From(_context.Info);
        return record;
    }
}
