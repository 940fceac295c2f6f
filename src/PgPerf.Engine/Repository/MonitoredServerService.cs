using Npgsql;

namespace PgPerf.Engine.Repository;

/// <summary>Reads on a monitored server that has nothing of PgPerf installed, through a pg_monitor login.</summary>
internal sealed class MonitoredServerService : IMonitoredServerService
{
    private readonly PgServerContext _context;

    public MonitoredServerService(PgServerContext context) => _context = context;

    /// <summary>The monitored server's context, for the Engine's own readers run there (health checks, index bloat).</summary>
    internal PgServerContext Context => _context;

    public PgMonitorLogin CheckLogin(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/monitored_login.sql"), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new PgMonitorLogin(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetInt32(3));
        }, cancellationToken);

    public PgStatementSource ReadStatementSource(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/monitored_statement_source.sql"), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new PgStatementSource(reader.GetInt32(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }, cancellationToken);

    public PgStatementReading ReadStatements(string readingSql, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(readingSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new PgStatementReading(reader.GetInt32(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
                reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetString(4));
        }, cancellationToken);

    public string ReadStatementTexts(string textReadSql, long[] queryIds, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            // The repository's SQL takes the queryids as $1.
            await using var command = new NpgsqlCommand(textReadSql, connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, Value = queryIds });
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public string ReadNames(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/monitored_names.sql"), connection);
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public int ReadServerVersion(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/monitored_server_version.sql"), connection);
            return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public string ReadJson(string readingSql, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(readingSql, connection);
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
}
