using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Operations;

internal sealed class AlertService : IAlertService
{
    private readonly PgServerContext _context;

    public AlertService(PgServerContext context) => _context = context;

    public IReadOnlyList<PgPerfAlert> Get(PgAlertFilter filter, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/ops_alerts.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = filter.Ids is { Length: > 0 } ids ? ids : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = filter.Since is { } since ? since.ToUniversalTime() : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = filter.Types is { Length: > 0 } types ? types : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("severities", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = filter.Severities is { Length: > 0 } sev ? sev.Select(ToDb).ToArray() : DBNull.Value,
            });
            command.Parameters.Add(new NpgsqlParameter("open_only", NpgsqlDbType.Boolean) { Value = filter.OpenOnly });
            command.Parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Bigint) { Value = filter.Top is { } top ? top : DBNull.Value });
            command.Parameters.AddWithValue("server_id", StatementServer.IdOf(filter.Server));
            return await ReadAsync(command, filter.Server, cancellationToken);
        }, cancellationToken);

    public PgPerfAlert Resolve(long id, string resolvedBy, CancellationToken cancellationToken) =>
        Resolve(id, resolvedBy, null, cancellationToken);

    public PgPerfAlert Resolve(long id, string resolvedBy, StatementServer? server, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/alert_resolve.sql"), connection);
            command.Parameters.AddWithValue("server_id", StatementServer.IdOf(server));
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("by", resolvedBy);
            var rows = await ReadAsync(command, server, cancellationToken);
            var where = server is null ? _context.Info.Server : $"server {server.Name} of repository {_context.Info.Server}";
            return rows.Count > 0 ? rows[0] : throw new PgPerfException(PgPerfErrorIds.Alert.NotFound, PgPerfErrorKind.ObjectNotFound,
                $"There is no alert with id {id} on {where}. Get-PgPerfAlert lists the alerts and their ids.", id)
            { ParameterName = "Id" };
        }, cancellationToken);

    public long Raise(string type, PgAlertSeverity severity, string subject, string message, IReadOnlyDictionary<string, object?>? details,
        string? dedupKey, CancellationToken cancellationToken) =>
        Raise(StatementServer.Local, type, severity, subject, message, details, dedupKey, cancellationToken);

    /// <summary>Opens or updates an alert of server <paramref name="serverId"/> (0 = this database; a registered server in a repository).</summary>
    internal long Raise(int serverId, string type, PgAlertSeverity severity, string subject, string message, IReadOnlyDictionary<string, object?>? details,
        string? dedupKey, CancellationToken cancellationToken) =>
        _context.Run(async connection =>
        {
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/alert_create.sql"), connection);
            command.Parameters.AddWithValue("server_id", serverId);
            command.Parameters.AddWithValue("type", type);
            command.Parameters.AddWithValue("severity", ToDb(severity));
            command.Parameters.AddWithValue("subject", subject);
            command.Parameters.AddWithValue("message", message);
            command.Parameters.AddWithValue("details", JsonSerializer.Serialize(details ?? new Dictionary<string, object?>()));
            command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)dedupKey ?? DBNull.Value });
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    internal static string ToDb(PgAlertSeverity severity) => severity.ToString().ToLowerInvariant();

    private async Task<List<PgPerfAlert>> ReadAsync(NpgsqlCommand command, StatementServer? server, CancellationToken cancellationToken)
    {
        var list = new List<PgPerfAlert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var alert = new PgPerfAlert
            {
                Id = reader.GetInt64(0),
                Type = reader.GetString(1),
                Severity = Enum.Parse<PgAlertSeverity>(reader.GetString(2), ignoreCase: true),
                Subject = reader.GetString(3),
                Message = reader.GetString(4),
                Details = PgJsonValues.ToDictionary(reader.IsDBNull(5) ? null : reader.GetString(5)),
                DedupKey = reader.GetString(6),
                Occurrences = reader.GetInt64(7),
                FirstSeenAt = reader.GetFieldValue<DateTimeOffset>(8),
                LastSeenAt = reader.GetFieldValue<DateTimeOffset>(9),
                ResolvedAt = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                ResolvedBy = reader.IsDBNull(11) ? null : reader.GetString(11),
            };
            // A registered server's alert names that server, and piped on it is resolved in this repository again.
            StatementServer.Stamp(alert, _context.Info, server);
            list.Add(alert);
        }
        return list;
    }
}
