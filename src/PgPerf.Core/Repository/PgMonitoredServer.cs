namespace PgPerf;

/// <summary>
/// A server registered in a central repository (Add-PgPerfServer, Get-PgPerfServer). It holds what is needed to
/// reach the server, never a password: libpq finds that in a pgpass file (PGPASSFILE, Passfile=, ~/.pgpass).
/// </summary>
public sealed class PgMonitoredServer
{
    /// <summary>The id every per-server row in the repository carries (0 is the repository database itself).</summary>
    public int ServerId { get; init; }

    /// <summary>The registered name; reports read from the repository show it as Server.</summary>
    public string Name { get; init; } = "";

    public string? Host { get; init; }
    public int? Port { get; init; }
    public string? Database { get; init; }
    public string? Username { get; init; }

    /// <summary>Other connection keywords, as Key=Value (never a password).</summary>
    public PgList<string> Options { get; init; } = PgList<string>.None;

    public DateTimeOffset AddedAt { get; init; }

    /// <summary>The repository this server is registered in (no password), so the row pipes into Remove-PgPerfServer.</summary>
    public PgConnectionInfo? Repository { get; set; }

    // The monitored server as a target (no password), so the row pipes into any cmdlet's -Connection. Kept out of
    // serialized output like PgServerRecord.Connection.
    [Newtonsoft.Json.JsonIgnore]
    [System.Text.Json.Serialization.JsonIgnore]
    [System.Management.Automation.Hidden]
    public PgConnectionInfo? Connection { get; set; }

    public override string ToString() => Name;
}

/// <summary>The registry of a central repository (migration 022), bound to the repository database.</summary>
public interface IRepositoryService
{
    /// <summary>Marks the database as a repository (Install-PgPerfSchema -Repository); returns since when it is one.</summary>
    DateTimeOffset Prepare(CancellationToken cancellationToken);

    /// <summary>Throws PgPerf.Repository.NotPrepared unless Install-PgPerfSchema -Repository prepared this database.</summary>
    void EnsurePrepared(CancellationToken cancellationToken);

    /// <summary>Every registered server (server 0, the repository itself, is not one), by name.</summary>
    IReadOnlyList<PgMonitoredServer> List(CancellationToken cancellationToken);

    /// <summary>Registers a server (its connection must carry no password); throws PgPerf.Repository.NameTaken for a name in use.</summary>
    PgMonitoredServer Add(string name, PgConnectionInfo monitored, CancellationToken cancellationToken);

    /// <summary>Forgets a registered server and its history in the repository; false when it was not there.</summary>
    bool Remove(int serverId, CancellationToken cancellationToken);

    /// <summary>
    /// One statement snapshot of a registered server: reads pg_stat_statements there (through <paramref name="monitored"/>,
    /// with the SQL the repository holds) and ingests it as that server, under the server's snapshot lock.
    /// </summary>
    PgSnapshotResult CaptureStatements(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);

    /// <summary>
    /// One index usage snapshot of a registered server: reads its index counters there (through <paramref name="monitored"/>,
    /// with the SQL the repository holds, migration 026) and ingests them as that server.
    /// </summary>
    PgSnapshotResult CaptureIndexUsage(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);

    /// <summary>
    /// One table bloat snapshot of a registered server: runs the catalog estimate there (table_bloat_reading_sql,
    /// migration 027) and stores it as that server. No pgstattuple confirmation and no alerts.
    /// </summary>
    PgSnapshotResult CaptureTableBloat(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);

    /// <summary>
    /// The hourly job's steps that read a registered server into the repository (index, bloat and statement snapshots), each
    /// isolated: a failed step is in the result, never an exception; pg_stat_statements missing there is Skipped.
    /// </summary>
    PgJobResult RunHourly(PgMonitoredServer server, IMonitoredServerService monitored, CancellationToken cancellationToken);
}

/// <summary>What a monitored server's login may do, read on that server (Add-PgPerfServer checks it once).</summary>
public sealed record PgMonitorLogin(string User, bool CanReadStatistics, bool HasStatementStatistics, int ServerVersionNum);

/// <summary>Checks on a monitored server, bound to that server (nothing is installed there).</summary>
public interface IMonitoredServerService
{
    PgMonitorLogin CheckLogin(CancellationToken cancellationToken);

    /// <summary>The server version, and whether and where pg_stat_statements is there.</summary>
    PgStatementSource ReadStatementSource(CancellationToken cancellationToken);

    /// <summary>Runs the repository's statement_reading_sql on the server.</summary>
    PgStatementReading ReadStatements(string readingSql, CancellationToken cancellationToken);

    /// <summary>Runs the repository's statement_text_read_sql on the server for the given queryids; a jsonb array.</summary>
    string ReadStatementTexts(string textReadSql, long[] queryIds, CancellationToken cancellationToken);

    /// <summary>The names of the server's databases and roles (its statements carry their oids); a jsonb array.</summary>
    string ReadNames(CancellationToken cancellationToken);

    /// <summary>The server's server_version_num.</summary>
    int ReadServerVersion(CancellationToken cancellationToken);

    /// <summary>Runs a reading SQL the repository holds (index_usage_reading_sql, table_bloat_reading_sql) on the server; its one jsonb value.</summary>
    string ReadJson(string readingSql, CancellationToken cancellationToken);
}

/// <summary>The repository's rules that the cmdlets and the Engine both apply.</summary>
public static class PgRepositoryRules
{
    /// <summary>
    /// The one error for a password offered to the registry: refused before anything is sent anywhere, and
    /// saying where the password belongs instead.
    /// </summary>
    public static PgPerfException PasswordNotStored(PgConnectionInfo monitored, Exception? inner = null) =>
        new(PgPerfErrorIds.Repository.PasswordNotStored, PgPerfErrorKind.InvalidArgument,
            $"The connection to {monitored.Server} carries a password, and a repository never stores one. Give the connection without it " +
            "and put the password in a pgpass file the job's account can read (~/.pgpass, PGPASSFILE or Passfile=, mode 0600; " +
            "Register-PgPerfScheduledTask writes such an owner-only file).",
            monitored.Server, inner) { ParameterName = "Connection" };
}

/// <summary>What statement_reading_sql read on a monitored server: the server's facts and every entry (a jsonb array).</summary>
public sealed record PgStatementReading(int ServerVersionNum, DateTimeOffset StartedAt, DateTimeOffset? StatsReset, long? Dealloc, string EntriesJson);

/// <summary>Whether pg_stat_statements can be read on a monitored server, and from which schema.</summary>
public sealed record PgStatementSource(int ServerVersionNum, bool Preloaded, string? ExtensionSchema);
