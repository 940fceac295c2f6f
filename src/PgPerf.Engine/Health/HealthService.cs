using Dapper;
using Npgsql;

namespace PgPerf.Engine.Health;

/// <summary>
/// The server right now: reads of pg_stat_activity, pg_locks, pg_database, pg_class, pg_sequences and
/// pg_stat_all_tables that work for a pg_monitor member without the pgperf schema. SQL in sql/queries/health_*.sql,
/// arithmetic and statuses in PgHealthRules / PgHealthStatus.
/// </summary>
internal sealed class HealthService : IHealthService
{
    private readonly PgServerContext _context;

    public HealthService(PgServerContext context) => _context = context;

    public IReadOnlyList<PgSessionActivity> GetActivity(PgActivityOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rows = Query("health_activity.sql", new
        {
            own_pids = _context.OwnBackendPids.Keys.ToArray(),
            include_idle = options.IncludeIdle,
            states = options.States is { Length: > 0 } s ? s : null,
            min_seconds = options.MinDurationSeconds,
        }, cancellationToken);
        return rows.Select(r => Stamp(new PgSessionActivity
        {
            Pid = Get<int>(r, "pid"),
            Database = Get<string>(r, "database"),
            User = Get<string>(r, "user_name"),
            Application = Get<string>(r, "application"),
            ClientAddress = Get<string>(r, "client_address"),
            State = Get<string>(r, "state"),
            BackendType = Get<string>(r, "backend_type"),
            BackendStart = Time(r, "backend_start"),
            QueryStart = Time(r, "query_start"),
            DurationSeconds = Get<double?>(r, "duration_seconds"),
            XactStart = Time(r, "xact_start"),
            TransactionSeconds = Get<double?>(r, "transaction_seconds"),
            WaitEventType = Get<string>(r, "wait_event_type"),
            WaitEvent = Get<string>(r, "wait_event"),
            BlockedBy = Get<int[]>(r, "blocked_by") ?? Array.Empty<int>(),
            Query = Get<string>(r, "query"),
        })).ToList();
    }

    public IReadOnlyList<PgBlockingSession> GetBlocking(CancellationToken cancellationToken) =>
        Query("health_blocking.sql", null, cancellationToken).Select(r => Stamp(new PgBlockingSession
        {
            BlockedPid = Get<int>(r, "blocked_pid"),
            BlockingPid = Get<int>(r, "blocking_pid"),
            BlockingPids = Get<int[]>(r, "blocking_pids") ?? Array.Empty<int>(),
            RootBlockingPid = Get<int?>(r, "root_blocking_pid"),
            ChainDepth = Get<int>(r, "chain_depth"),
            WaitSeconds = Get<double?>(r, "wait_seconds") ?? 0,
            LockType = Get<string>(r, "lock_type"),
            LockMode = Get<string>(r, "lock_mode"),
            Relation = Get<string>(r, "relation"),
            Database = Get<string>(r, "database"),
            BlockedUser = Get<string>(r, "blocked_user"),
            BlockedQuery = Get<string>(r, "blocked_query"),
            BlockingUser = Get<string>(r, "blocking_user"),
            BlockingQuery = Get<string>(r, "blocking_query"),
            BlockingState = Get<string>(r, "blocking_state"),
            BlockingTransactionSeconds = Get<double?>(r, "blocking_transaction_seconds"),
        })).ToList();

    public PgSessionActivity FindSession(int pid, CancellationToken cancellationToken) =>
        _context.Run(async connection => await FindAsync(connection, pid, cancellationToken), cancellationToken);

    public PgSessionStopResult StopSession(int pid, bool terminate, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // Looked up on the same connection that sends the signal, so "own session" includes this one.
            var session = await FindAsync(connection, pid, cancellationToken);
            bool signalled;
            try
            {
                signalled = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SqlResources.Get("queries/health_session_stop.sql"),
                    new { pid, terminate }, cancellationToken: cancellationToken));
            }
            catch (PostgresException ex) when (ex.SqlState == "42501")
            {
                throw new PgPerfException(PgPerfErrorIds.Session.PermissionDenied, PgPerfErrorKind.PermissionDenied,
                    $"The role '{_context.Info.Username ?? "(default)"}' may not {(terminate ? "terminate" : "cancel")} session {pid} of user '{session.User}' on {_context.Info.Server}: {ex.MessageText}. " +
                    "Stop it as that user, or use a login that is a member of pg_signal_backend (GRANT pg_signal_backend TO <login>); sessions of superusers need a superuser.",
                    pid, ex);
            }
            return Stamp(new PgSessionStopResult
            {
                Pid = pid,
                Action = terminate ? "Terminate" : "Cancel",
                Signalled = signalled,
                User = session.User,
                Database = session.Database,
                State = session.State,
                Query = session.Query,
                StoppedAt = DateTimeOffset.UtcNow,
            });
        }, cancellationToken);

    private async Task<PgSessionActivity> FindAsync(NpgsqlConnection connection, int pid, CancellationToken cancellationToken)
    {
        var row = (IDictionary<string, object?>?)await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            SqlResources.Get("queries/health_session.sql"), new { pid }, cancellationToken: cancellationToken));
        if (row is null)
            throw new PgPerfException(PgPerfErrorIds.Session.NotFound, PgPerfErrorKind.ObjectNotFound,
                $"No session with pid {pid} on {_context.Info.Server}; it may have ended. List sessions with Get-PgActivity.", pid)
            { ParameterName = "Pid" };
        if (Get<bool>(row, "is_current") || _context.OwnBackendPids.ContainsKey(pid))
            throw new PgPerfException(PgPerfErrorIds.Session.OwnSession, PgPerfErrorKind.InvalidArgument,
                $"Session {pid} on {_context.Info.Server} is PgPerf's own; Stop-PgSession does not stop the session it runs on.", pid)
            { ParameterName = "Pid" };
        if (Get<string>(row, "backend_type") != "client backend")
            throw new PgPerfException(PgPerfErrorIds.Session.NotClient, PgPerfErrorKind.InvalidArgument,
                $"Session {pid} on {_context.Info.Server} is a {Get<string>(row, "backend_type")}, not a client session; Stop-PgSession stops client sessions only.", pid)
            { ParameterName = "Pid" };
        return Stamp(new PgSessionActivity
        {
            Pid = pid,
            Database = Get<string>(row, "database"),
            User = Get<string>(row, "user_name"),
            Application = Get<string>(row, "application"),
            State = Get<string>(row, "state"),
            BackendType = Get<string>(row, "backend_type"),
            BackendStart = Time(row, "backend_start"),
            QueryStart = Time(row, "query_start"),
            XactStart = Time(row, "xact_start"),
            Query = Get<string>(row, "query"),
        });
    }

    public IReadOnlyList<PgWraparoundRisk> GetWraparoundRisk(PgWraparoundOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rows = Query("health_wraparound.sql", null, cancellationToken).Select(r =>
        {
            var xidAge = Get<long>(r, "xid_age");
            var mxidAge = Get<long>(r, "mxid_age");
            var freezeMaxAge = Get<long>(r, "freeze_max_age");
            var multixactFreezeMaxAge = Get<long>(r, "multixact_freeze_max_age");
            var toWraparound = PgHealthRules.PercentToWraparound(xidAge, mxidAge);
            var ofFreezeMaxAge = PgHealthRules.PercentOfFreezeMaxAge(xidAge, freezeMaxAge, mxidAge, multixactFreezeMaxAge);
            return Stamp(new PgWraparoundRisk
            {
                Scope = Get<string>(r, "scope")!,
                Database = Get<string>(r, "database")!,
                Schema = Get<string>(r, "schema"),
                Table = Get<string>(r, "table_name"),
                XidAge = xidAge,
                MxidAge = mxidAge,
                FreezeMaxAge = freezeMaxAge,
                MultixactFreezeMaxAge = multixactFreezeMaxAge,
                PercentToWraparound = toWraparound,
                PercentOfFreezeMaxAge = ofFreezeMaxAge,
                Status = PgHealthRules.WraparoundStatus(toWraparound, ofFreezeMaxAge, options.WarningPercent, options.CriticalPercent, options.FreezeMaxAgeWarningPercent),
            });
        }).ToList();
        // Databases, the oldest tables, and every other table that is past a threshold (worst first by age).
        var tables = rows.Where(r => r.Scope == "Table").ToList();
        return rows.Where(r => r.Scope == "Database")
            .Concat(tables.Take(options.TopTables))
            .Concat(tables.Skip(options.TopTables).Where(r => r.Status != PgHealthStatus.Ok))
            .ToList();
    }

    public IReadOnlyList<PgSequenceRisk> GetSequenceRisk(PgSequenceRiskOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _context.Run(async connection =>
        {
            var rows = (await connection.QueryAsync(new CommandDefinition(SqlResources.Get("queries/health_sequences.sql"), cancellationToken: cancellationToken)))
                .Cast<IDictionary<string, object?>>().ToList();
            var lastValues = await LastValuesAsync(connection, cancellationToken);
            return (IReadOnlyList<PgSequenceRisk>)rows.Select(r => ToSequenceRisk(r, lastValues, options))
                .OrderByDescending(s => PgHealthStatus.Rank(s.Status)).ThenByDescending(s => s.PercentUsed ?? -1)
                .ThenBy(s => s.QualifiedName, StringComparer.Ordinal).ToList();
        }, cancellationToken);
    }

    // With the pgperf schema (migration 015) every sequence's last value, whatever this login's rights; else null.
    private static async Task<Dictionary<long, long?>?> LastValuesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var usable = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            SqlResources.Get("queries/health_sequence_function.sql"), cancellationToken: cancellationToken));
        if (!usable)
            return null;
        var rows = await connection.QueryAsync<(long Oid, long? LastValue)>(new CommandDefinition(
            SqlResources.Get("queries/health_sequence_last_values.sql"), cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Oid, r => r.LastValue);
    }

    private PgSequenceRisk ToSequenceRisk(IDictionary<string, object?> r, Dictionary<long, long?>? lastValues, PgSequenceRiskOptions options)
    {
        var oid = Get<long>(r, "seq_oid");
        var readable = Get<bool>(r, "readable");
        long? lastValue = Get<long?>(r, "last_value");
        if (lastValues is not null && lastValues.TryGetValue(oid, out var fromFunction))
        {
            lastValue = fromFunction;
            readable = true;
        }
        var increment = Get<long>(r, "increment_by");
        var min = Get<long>(r, "min_value");
        var max = Get<long>(r, "max_value");
        var cycles = Get<bool>(r, "cycle");
        var columnType = Get<string>(r, "column_type");
        var limit = PgHealthRules.EffectiveLimit(increment, min, max, columnType);
        var flags = new List<string>();
        if (!readable) flags.Add("NoAccess");
        if (limit != (increment > 0 ? max : min)) flags.Add("ColumnLimit");
        var canRunOut = PgHealthRules.CanRunOut(cycles, increment, min, max, columnType);
        if (cycles) flags.Add("Cycles");

        double? percent = readable ? PgHealthRules.SequencePercentUsed(lastValue, increment, min, max, limit) : null;
        decimal? left = !readable ? null
            : Math.Max(0m, Math.Floor(((decimal)limit - (lastValue ?? (increment > 0 ? min - increment : max - increment))) / increment));
        var status = percent is not { } p ? PgHealthStatus.Warning
            : !canRunOut ? PgHealthStatus.Ok
            : PgHealthStatus.AtLeast(p, options.WarningPercent, options.CriticalPercent);
        return Stamp(new PgSequenceRisk
        {
            Schema = Get<string>(r, "schema")!,
            Sequence = Get<string>(r, "sequence")!,
            TableSchema = Get<string>(r, "table_schema"),
            Table = Get<string>(r, "table_name"),
            Column = Get<string>(r, "column_name"),
            ColumnType = columnType,
            Usage = Get<string>(r, "usage") ?? "None",
            DataType = Get<string>(r, "data_type") ?? "",
            LastValue = lastValue,
            IncrementBy = increment,
            MinValue = min,
            MaxValue = max,
            Cycles = cycles,
            EffectiveLimit = limit,
            PercentUsed = percent,
            ValuesLeft = left,
            Status = status,
            Flags = flags.ToArray(),
        });
    }

    public IReadOnlyList<PgVacuumHealth> GetVacuumHealth(PgVacuumHealthOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Query("health_vacuum.sql", null, cancellationToken).Select(r =>
        {
            var dead = Get<long>(r, "dead_tuples");
            var threshold = Get<double>(r, "vacuum_threshold");
            var reasons = Get<string[]>(r, "vacuum_reasons") ?? Array.Empty<string>();
            var total = Get<long?>(r, "heap_blocks_total");
            var scanned = Get<long?>(r, "heap_blocks_scanned");
            return Stamp(new PgVacuumHealth
            {
                Schema = Get<string>(r, "schema")!,
                Table = Get<string>(r, "table_name")!,
                LastVacuum = Time(r, "last_vacuum"),
                LastAutovacuum = Time(r, "last_autovacuum"),
                LastAnalyze = Time(r, "last_analyze"),
                LastAutoanalyze = Time(r, "last_autoanalyze"),
                EstimatedRows = Get<double>(r, "estimated_rows"),
                DeadTuples = dead,
                InsertsSinceVacuum = Get<long>(r, "inserts_since_vacuum"),
                ModificationsSinceAnalyze = Get<long>(r, "modifications_since_analyze"),
                VacuumThreshold = threshold,
                InsertThreshold = Get<double?>(r, "insert_threshold"),
                AnalyzeThreshold = Get<double>(r, "analyze_threshold"),
                VacuumDue = reasons.Length > 0,
                VacuumReasons = reasons,
                AnalyzeDue = Get<bool>(r, "analyze_due"),
                AutovacuumEnabled = Get<bool>(r, "autovacuum_enabled"),
                Reloptions = Get<string[]>(r, "autovacuum_options") ?? Array.Empty<string>(),
                // Past the threshold autovacuum should come within a naptime; far past it, it is not keeping up.
                Status = dead > threshold && dead >= options.OverdueFactor * threshold ? PgHealthStatus.Warning : PgHealthStatus.Ok,
                VacuumPid = Get<int?>(r, "vacuum_pid"),
                VacuumPhase = Get<string>(r, "vacuum_phase"),
                HeapBlocksTotal = total,
                HeapBlocksScanned = scanned,
                HeapBlocksVacuumed = Get<long?>(r, "heap_blocks_vacuumed"),
                IndexVacuumCount = Get<long?>(r, "index_vacuum_count"),
                VacuumProgressPercent = total is > 0 && scanned is { } s ? Math.Round(s * 100d / total.Value, 1) : null,
            });
        }).ToList();
    }

    public PgConnectionUsage GetConnectionUsage(CancellationToken cancellationToken)
    {
        var r = Query("health_connections.sql", null, cancellationToken).Single();
        return new PgConnectionUsage(Get<long>(r, "used"), Get<long>(r, "max_connections"), Get<long>(r, "reserved_connections"), Get<long>(r, "idle_in_transaction"));
    }

    public PgCacheHitRatio GetCacheHitRatio(CancellationToken cancellationToken)
    {
        var r = Query("health_cache_hit.sql", null, cancellationToken).Single();
        return new PgCacheHitRatio(Get<long>(r, "blocks_hit"), Get<long>(r, "blocks_read"));
    }

    private List<IDictionary<string, object?>> Query(string file, object? parameters, CancellationToken cancellationToken) =>
        _context.Run(async connection => (await connection.QueryAsync(new CommandDefinition(
                SqlResources.Get("queries/" + file), parameters, commandTimeout: 60, cancellationToken: cancellationToken)))
            .Cast<IDictionary<string, object?>>().ToList(), cancellationToken);

    private T Stamp<T>(T record) where T : PgServerRecord
    {
        record.From(_context.Info);
        return record;
    }

    private static T Get<T>(IDictionary<string, object?> row, string column)
    {
        var value = row[column];
        if (value is null or DBNull)
            return default!;
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return value is T typed ? typed : (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset? Time(IDictionary<string, object?> row, string column) =>
        row[column] is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}
