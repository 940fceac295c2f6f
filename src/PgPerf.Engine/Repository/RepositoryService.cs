using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Repository;

/// <summary>The registry of a central repository (sql/022_repository.sql), bound to the repository database.</summary>
internal sealed class RepositoryService : IRepositoryService
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
            throw new PgPerfException("PgPerf.Repository.NotPrepared", PgPerfErrorKind.NotInstalled,
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
                throw new PgPerfException("PgPerf.Repository.NameTaken", PgPerfErrorKind.InvalidArgument,
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
                    password: null, options, PgConnectionSource.Parameter);
            rows.Add(server);
        }
        return rows;
    }
}
