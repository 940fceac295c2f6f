using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Repository;

// Health check results and index bloat estimates of registered servers into a central repository (migration 030). The
// server is read live with the same Engine readers as Invoke-PgHealthCheck and Get-PgIndexBloat (one query path), then
// its rows are stored here as its server_id, each batch in one transaction with its day partition.
internal sealed partial class RepositoryService : IServerHealthHistory
{
    internal const string HealthCheckStepName = "health check";
    internal const string IndexBloatStepName = "index bloat snapshot";

    private static readonly IReadOnlyDictionary<string, double> DefaultThresholds = new Dictionary<string, double>();

    public PgSnapshotResult StoreHealthChecks(PgMonitoredServer server, IReadOnlyList<PgHealthCheckResult> results, CancellationToken cancellationToken)
    {
        var rows = results.Select(r => new
        {
            check_name = r.Check, status = r.Status, value = r.Value, unit = r.Unit, threshold = r.Threshold, detail = r.Detail,
            target = r.Target, finding_count = r.Count,
            findings = r.Findings.Select(f => new { target = f.Target, value = f.Value, status = f.Status, detail = f.Detail, key = f.Key }),
        });
        return Store("HealthCheck", server, SnapshotDayTables.HealthChecks, "queries/health_checks_store.sql", "results", JsonSerializer.Serialize(rows),
            PgList<string>.None, cancellationToken);
    }

    public PgSnapshotResult CaptureHealthChecks(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken) =>
        CaptureHealthChecks(server, monitored, new List<PgHealthCheckResult>(), cancellationToken);

    /// <summary>Stores the server's health checks and leaves in <paramref name="results"/> the results stored (the hourly job raises their alerts).</summary>
    private PgSnapshotResult CaptureHealthChecks(PgMonitoredServer server, IMonitoredServerService monitored, List<PgHealthCheckResult> results,
        CancellationToken cancellationToken)
    {
        var checks = new Health.HealthCheckService(MonitoredContext(monitored));
        var skipped = new List<string>();
        // One check that cannot run there (a privilege the login lacks) must not cost the others.
        foreach (var check in PgHealthChecks.All)
        {
            try
            {
                results.Add(checks.Run(check, DefaultThresholds, cancellationToken));
            }
            catch (PgPerfException ex) when (ex.Kind is not PgPerfErrorKind.ConnectionError)
            {
                skipped.Add($"{check.Name}: {ex.Message}");
            }
        }
        var stored = StoreHealthChecks(server, results, cancellationToken);
        return new PgSnapshotResult
        {
            Kind = stored.Kind, Count = stored.Count, CapturedAt = stored.CapturedAt, DurationMs = stored.DurationMs, Skipped = skipped,
            Server = stored.Server, Connection = stored.Connection,
        };
    }

    public PgSnapshotResult CaptureIndexBloat(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken)
    {
        var estimates = new Bloat.IndexBloatService(MonitoredContext(monitored)).Estimate(cancellationToken);
        var rows = estimates.Select(e => new
        {
            schemaname = e.Schema, tablename = e.Table, indexname = e.Index, index_bytes = e.IndexBytes, bloat_bytes = e.BloatBytes,
            bloat_percent = e.BloatPercent, expected_bytes = e.ExpectedBytes, status = e.Status, method = e.Method.ToString(),
            confidence = e.Confidence.ToString(), flags = e.Flags.ToArray(), entries = e.Entries, entry_bytes = e.EntryBytes,
            fill_factor = e.FillFactor, is_unique = e.IsUnique,
        });
        return Store("IndexBloat", server, SnapshotDayTables.IndexBloat, "queries/index_bloat_store.sql", "estimates", JsonSerializer.Serialize(rows),
            PgList<string>.None, cancellationToken);
    }

    public IReadOnlyList<PgHealthCheckResult> ReadHealthChecks(PgMonitoredServer server, DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadHistory(server, since, "queries/health_checks_history.sql", reader =>
        {
            var findings = JsonSerializer.Deserialize<List<StoredFinding>>(reader.GetString(9)) ?? new();
            var result = new PgHealthCheckResult
            {
                CapturedAt = Utc(reader.GetFieldValue<DateTime>(0)), Check = reader.GetString(1), Status = reader.GetString(2),
                Value = reader.IsDBNull(3) ? null : reader.GetDouble(3), Unit = reader.GetString(4), Threshold = reader.GetString(5),
                Detail = reader.GetString(6), Target = reader.IsDBNull(7) ? null : reader.GetString(7), Count = reader.GetInt32(8),
                Findings = findings.Select(f => new PgHealthFinding(f.target, f.value, f.status, f.detail, f.key)).ToArray(),
            };
            result.From(server);
            return result;
        }, cancellationToken);

    public IReadOnlyList<PgIndexBloat> ReadIndexBloat(PgMonitoredServer server, DateTimeOffset since, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            var rows = await connection.QueryAsync<PgIndexBloat>(new CommandDefinition(SqlResources.Get("queries/index_bloat_history.sql"),
                new { server_id = server.ServerId, since = since.ToUniversalTime() }, cancellationToken: cancellationToken));
            return (IReadOnlyList<PgIndexBloat>)rows.Select(row =>
            {
                row.From(server);
                return row;
            }).ToList();
        }, cancellationToken);

    /// <summary>The monitored server's own context: the hourly step reads it with the Engine's readers.</summary>
    private static PgServerContext MonitoredContext(IMonitoredServerService monitored) =>
        monitored is MonitoredServerService service ? service.Context
            : throw new ArgumentException("The monitored server must be the Engine's own reader of it.", nameof(monitored));

    // Creates the day partition and stores the batch in one transaction, so both see the same now().
    private PgSnapshotResult Store(string kind, PgMonitoredServer server, string table, string storeQuery, string rowsParameter, string rowsJson,
        PgList<string> skipped, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (count, capturedAt) = _context.Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var ensure = new NpgsqlCommand(SqlResources.Get("queries/health_history_ensure.sql"), connection, transaction))
            {
                ensure.Parameters.AddWithValue("table", table);
                await ensure.ExecuteNonQueryAsync(cancellationToken);
            }
            (int, DateTime) stored;
            await using (var store = new NpgsqlCommand(SqlResources.Get(storeQuery), connection, transaction))
            {
                store.Parameters.AddWithValue("server_id", server.ServerId);
                store.Parameters.AddWithValue(rowsParameter, rowsJson);
                await using var reader = await store.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                stored = (reader.GetInt32(0), reader.GetFieldValue<DateTime>(1));
            }
            await transaction.CommitAsync(cancellationToken);
            return stored;
        }, cancellationToken);
        return new PgSnapshotResult
        {
            Kind = kind, Count = count, CapturedAt = Utc(capturedAt), DurationMs = started.Elapsed.TotalMilliseconds, Skipped = skipped,
            // Rows read from a repository name the registered server.
            Server = server.Name, Connection = server.Connection,
        };
    }

    private IReadOnlyList<T> ReadHistory<T>(PgMonitoredServer server, DateTimeOffset since, string query, Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get(query), connection);
            command.Parameters.AddWithValue("server_id", server.ServerId);
            command.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, since.UtcDateTime);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(read(reader));
            return (IReadOnlyList<T>)rows;
        }, cancellationToken);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record StoredFinding(string target, double? value, string status, string detail, string key);
}
