using Npgsql;

namespace PgPerf.Engine.Repository;

// Index usage (migration 026) and table bloat (027) snapshots into a central repository: the repository hands out the
// SQL that reads a monitored server, the monitored server runs it (one jsonb value), and the repository ingests it.
internal sealed partial class RepositoryService
{
    public PgSnapshotResult CaptureIndexUsage(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken)
    {
        var version = monitored.ReadServerVersion(cancellationToken);
        // No lock is needed between the read and the ingest: a reading older than the server's latest batch is
        // stored underived and derived in order (migration 006's insert trigger).
        return Capture("Index", server, monitored, "queries/repository_index_sql.sql", command => command.Parameters.AddWithValue("server_version_num", version),
            "queries/repository_index_ingest.sql", cancellationToken);
    }

    public PgSnapshotResult CaptureTableBloat(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken) =>
        Capture("TableBloat", server, monitored, "queries/repository_bloat_sql.sql", _ => { }, "queries/repository_bloat_ingest.sql", cancellationToken);

    private PgSnapshotResult Capture(string kind, PgMonitoredServer server, IMonitoredServerService monitored,
        string readingSqlQuery, Action<NpgsqlCommand> bindReadingSql, string ingestQuery, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var readingSql = _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get(readingSqlQuery), connection);
            bindReadingSql(command);
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
        var readings = monitored.ReadJson(readingSql, cancellationToken);
        var (count, capturedAt) = _context.Run(async connection =>
        {
            await using var ingest = new NpgsqlCommand(SqlResources.Get(ingestQuery), connection);
            ingest.Parameters.AddWithValue("server_id", server.ServerId);
            ingest.Parameters.AddWithValue("readings", readings);
            await using var reader = await ingest.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            // an index snapshot of a server without indexes has no reading time: now, then
            return (reader.GetInt32(0), reader.IsDBNull(1) ? DateTime.UtcNow : reader.GetFieldValue<DateTime>(1));
        }, cancellationToken);
        return new PgSnapshotResult
        {
            Kind = kind, Count = count, CapturedAt = new DateTimeOffset(capturedAt, TimeSpan.Zero),
            DurationMs = started.Elapsed.TotalMilliseconds,
            // Rows read from a repository name the registered server.
            Server = server.Name, Connection = server.Connection,
        };
    }
}
