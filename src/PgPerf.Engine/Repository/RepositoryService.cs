using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Repository;

/// <summary>The registry of a central repository (sql/022_repository.sql), bound to the repository database.</summary>
internal sealed partial class RepositoryService : IRepositoryService
{
    private readonly PgServerContext _context;

    public RepositoryService(PgServerContext context) => _context = context;

    public DateTimeOffset Prepare(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/repository_prepare.sql"), connection);
            return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync(cancellationToken))!, TimeSpan.Zero);
        }, cancellationToken);

    public void EnsurePrepared(CancellationToken cancellationToken)
    {
        var prepared = _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/repository_prepared.sql"), connection);
            return await command.ExecuteScalarAsync(cancellationToken) is DateTime;
        }, cancellationToken);
        if (!prepared)
            throw new PgPerfException(PgPerfErrorIds.Repository.NotPrepared, PgPerfErrorKind.NotInstalled,
                $"Database {_context.Info.Database ?? "(default)"} on {_context.Info.Endpoint} is not a PgPerf repository; " +
                "run Install-PgPerfSchema -Repository on it first (a monitored database keeps its own statistics and registers no servers).",
                _context.Info.Server) { ParameterName = "Repository" };
    }

    public IReadOnlyList<PgMonitoredServer> List(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/repository_servers.sql"), connection);
            return await ReadAsync(command, cancellationToken);
        }, cancellationToken);

    public PgMonitoredServer Add(string name, PgConnectionInfo monitored, CancellationToken cancellationToken)
    {
        if (monitored.HasPassword)
            throw PgRepositoryRules.PasswordNotStored(monitored);
        return _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/repository_add_server.sql"), connection);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("host", monitored.Host);
            command.Parameters.AddWithValue("port", monitored.Port);
            command.Parameters.Add(new NpgsqlParameter("database", NpgsqlDbType.Text) { Value = (object?)monitored.Database ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("username", NpgsqlDbType.Text) { Value = (object?)monitored.Username ?? DBNull.Value });
            command.Parameters.AddWithValue("options", JsonSerializer.Serialize(monitored.Options));
            try
            {
                return (await ReadAsync(command, cancellationToken))[0];
            }
            catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new PgPerfException(PgPerfErrorIds.Repository.NameTaken, PgPerfErrorKind.InvalidArgument,
                    $"A server named '{name}' is already registered in {_context.Info.Server}. Give another -Name, or remove it first (Get-PgPerfServer -Name '{name}' | Remove-PgPerfServer).",
                    name, pg) { ParameterName = "Name" };
            }
            catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.CheckViolation && pg.ConstraintName == "monitored_servers_no_password")
            {
                throw PgRepositoryRules.PasswordNotStored(monitored, pg);
            }
        }, cancellationToken);
    }

    public bool Remove(int serverId, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/repository_remove_server.sql"), connection);
            command.Parameters.AddWithValue("server_id", serverId);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public PgSnapshotResult CaptureStatements(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var source = monitored.ReadStatementSource(cancellationToken);
        if (!source.Preloaded || source.ExtensionSchema is null)
            throw new PgPerfException(Statements.StatementService.NotAvailableErrorId, PgPerfErrorKind.NotInstalled,
                $"pg_stat_statements cannot be read on {server.Name}: " + (!source.Preloaded
                    ? "it is not in shared_preload_libraries there (add it and restart that server)"
                    : $"the extension is not created in database {server.Database ?? "(default)"} there (a superuser runs CREATE EXTENSION pg_stat_statements)") + ".",
                server.Name);

        var result = _context.Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_lock.sql"), connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("server_id", server.ServerId);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }
            string readingSql, textSql;
            await using (var sqlCommand = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_sql.sql"), connection, transaction))
            {
                sqlCommand.Parameters.AddWithValue("server_version_num", source.ServerVersionNum);
                sqlCommand.Parameters.AddWithValue("schema", source.ExtensionSchema);
                await using var reader = await sqlCommand.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                (readingSql, textSql) = (reader.GetString(0), reader.GetString(1));
            }

            // Read under the lock: no other snapshot of this server can ingest between this reading and its ingest.
            var reading = monitored.ReadStatements(readingSql, cancellationToken);
            DateTime capturedAt;
            long[] missing;
            await using (var ingest = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_ingest.sql"), connection, transaction))
            {
                ingest.Parameters.AddWithValue("server_id", server.ServerId);
                ingest.Parameters.AddWithValue("server_version_num", reading.ServerVersionNum);
                ingest.Parameters.AddWithValue("server_started_at", reading.StartedAt);
                ingest.Parameters.Add(new NpgsqlParameter("stats_reset", NpgsqlDbType.TimestampTz) { Value = (object?)reading.StatsReset ?? DBNull.Value });
                ingest.Parameters.Add(new NpgsqlParameter("dealloc", NpgsqlDbType.Bigint) { Value = (object?)reading.Dealloc ?? DBNull.Value });
                ingest.Parameters.AddWithValue("entries", reading.EntriesJson);
                await using var reader = await ingest.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                capturedAt = reader.GetFieldValue<DateTime>(0);
                missing = reader.GetFieldValue<long[]>(2);
            }
            if (missing.Length > 0)
            {
                var texts = monitored.ReadStatementTexts(textSql, missing, cancellationToken);
                await using var addTexts = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_texts.sql"), connection, transaction);
                addTexts.Parameters.AddWithValue("server_id", server.ServerId);
                addTexts.Parameters.AddWithValue("captured_at", NpgsqlDbType.TimestampTz, capturedAt);
                addTexts.Parameters.AddWithValue("texts", texts);
                await addTexts.ExecuteNonQueryAsync(cancellationToken);
            }
            // The reports show the server's database and role names, not the oids its statements carry.
            await using (var names = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_names.sql"), connection, transaction))
            {
                names.Parameters.AddWithValue("server_id", server.ServerId);
                names.Parameters.AddWithValue("names", monitored.ReadNames(cancellationToken));
                await names.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);

            await new Statements.StatementService(_context).FillHashesAsync(connection, cancellationToken);
            await using var seen = new NpgsqlCommand(SqlResources.Get("queries/repository_statement_snapshot.sql"), connection);
            seen.Parameters.AddWithValue("server_id", server.ServerId);
            seen.Parameters.AddWithValue("captured_at", NpgsqlDbType.TimestampTz, capturedAt);
            await using var snapshot = await seen.ExecuteReaderAsync(cancellationToken);
            await snapshot.ReadAsync(cancellationToken);
            return Statements.StatementService.SnapshotResult(snapshot);
        }, cancellationToken);

        return new PgSnapshotResult
        {
            Kind = result.Kind, Count = result.Count, CapturedAt = result.CapturedAt, Skipped = result.Skipped,
            DurationMs = started.Elapsed.TotalMilliseconds,
            // Rows read from a repository name the registered server.
            Server = server.Name, Connection = server.Connection,
        };
    }

    public PgJobResult RunHourly(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var healthResults = new List<PgHealthCheckResult>();
        // A server that cannot be reached fails every snapshot step for that one reason (as JobRunner does), once,
        // and still gets its job_failure alerts below.
        var unreachable = Unreachable(monitored, cancellationToken);
        // The hourly job's snapshot steps that read a monitored server (JobSteps.Hourly), in its order.
        var snapshotSteps = new (string Name, Func<PgSnapshotResult> Capture)[]
        {
            (Index.IndexService.SnapshotStepName, () => CaptureIndexUsage(server, monitored, cancellationToken)),
            (Bloat.BloatService.SnapshotStepName, () => CaptureTableBloat(server, monitored, cancellationToken)),
            (Statements.StatementJobSteps.SnapshotStepName, () => CaptureStatements(server, monitored, cancellationToken)),
            // Health checks and index bloat estimates of the server, stored as it (migration 030, RepositoryService.Health.cs).
            (HealthCheckStepName, () => CaptureHealthChecks(server, monitored, healthResults, cancellationToken)),
            (IndexBloatStepName, () => CaptureIndexBloat(server, monitored, cancellationToken)),
        };
        var snapshots = snapshotSteps.Select(step => unreachable is null ? RunStep(step.Name, step.Capture)
            : new PgJobStep { Name = step.Name, Status = PgJobStepStatus.Failed, Error = unreachable.Message, ErrorId = unreachable.ErrorId }).ToArray();
        // The server's application query log, if it logs into the repository (RepositoryService.QueryLog.cs): read in
        // the repository alone, so it runs whether or not the server can be reached.
        var rollups = RunStep(QueryRollupsStepName, () => RefreshQueryRollups(server, cancellationToken));
        // The server's alerts, raised in the repository from what the steps above stored (RepositoryService.Alerts.cs).
        var steps = RaiseHourlyAlerts(server, snapshots.Append(rollups).ToArray(), healthResults, cancellationToken);
        return new PgJobResult
        {
            Job = PgJobKind.Hourly, StartedAt = startedAt, FinishedAt = DateTimeOffset.UtcNow, Steps = steps,
            Server = server.Name, Connection = server.Connection,
        };
    }

    /// <summary>One isolated step: a failure is the step's Error, never an exception; pg_stat_statements missing is Skipped.</summary>
    private static PgJobStep RunStep(string name, Func<PgSnapshotResult> snapshot)
    {
        var step = new PgJobStep { Name = name };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var result = snapshot();
            step.Status = PgJobStepStatus.Succeeded;
            step.Count = result.Count;
            if (result.Skipped.Length > 0) step.Message = string.Join("; ", result.Skipped);
        }
        catch (PgPerfException ex) when (ex.ErrorId == Statements.StatementService.NotAvailableErrorId)
        {
            step.Status = PgJobStepStatus.Skipped;
            step.Message = ex.Message;
        }
        catch (PgPerfException ex)
        {
            step.Status = PgJobStepStatus.Failed;
            step.Error = ex.Message;
            step.ErrorId = ex.ErrorId;
        }
        step.DurationMs = clock.Elapsed.TotalMilliseconds;
        return step;
    }

    private async Task<List<PgMonitoredServer>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<PgMonitoredServer>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var options = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(6)) ?? new();
            var server = new PgMonitoredServer
            {
                ServerId = reader.GetInt32(0),
                Name = reader.GetString(1),
                Host = reader.IsDBNull(2) ? null : reader.GetString(2),
                Port = reader.IsDBNull(3) ? null : reader.GetInt32(3),
                Database = reader.IsDBNull(4) ? null : reader.GetString(4),
                Username = reader.IsDBNull(5) ? null : reader.GetString(5),
                Options = options.OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase).Select(o => $"{o.Key}={o.Value}").ToArray(),
                AddedAt = new DateTimeOffset(reader.GetDateTime(7), TimeSpan.Zero),
                Repository = _context.Info,
            };
            if (server.Host is not null)
                server.Connection = new PgConnectionInfo(server.Host, server.Port ?? PgConnectionParser.DefaultPort, server.Database, server.Username,
                    password: null, options, PgConnectionSource.Parameter) { Registration = server };
            rows.Add(server);
        }
        return rows;
    }
}
