using Npgsql;

namespace PgPerf.Engine.Repository;

/// <summary>Reads on a monitored server that has nothing of PgPerf installed, through a pg_monitor login.</summary>
internal sealed class MonitoredServerService : IMonitoredServerService
{
    private readonly PgServerContext _context;

    public MonitoredServerService(PgServerContext context) => _context = context;

    public PgMonitorLogin CheckLogin(CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/monitored_login.sql"), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new PgMonitorLogin(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetInt32(3));
        }, cancellationToken);
}
