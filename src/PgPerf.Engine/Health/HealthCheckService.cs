using System.Text.Json;
using Dapper;

namespace PgPerf.Engine.Health;

/// <summary>
/// Runs the entries of PgHealthChecks.All against one target and turns their findings into alerts. Nothing
/// here knows a particular check: a new check is a new entry in that list.
/// </summary>
internal sealed class HealthCheckService : IHealthCheckService
{
    private readonly PgServerContext _context;

    public HealthCheckService(PgServerContext context) => _context = context;

    public PgHealthCheckResult Run(PgHealthCheckDefinition check, IReadOnlyDictionary<string, double> thresholds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var context = new PgHealthCheckContext(type => PgPerfEngine.CreateService(type, _context), thresholds, cancellationToken);
        IReadOnlyList<PgHealthFinding> findings;
        try
        {
            findings = check.Run(context).ToList();
        }
        catch (Exception ex) when (ex is not PgPerfException and not OperationCanceledException)
        {
            throw new PgPerfException(PgPerfErrorIds.Health.CheckFailed, PgPerfErrorKind.InvalidOperation,
                $"The health check '{check.Name}' failed on {_context.Info.Server}: {PgErrors.Scrub(ex.Message, _context.Info)}", check.Name, ex);
        }
        var result = PgHealthChecks.Summarize(check, findings, parameter => context[parameter]);
        result.From(_context.Info);
        return result;
    }

    public int ApplyAlerts(PgHealthCheckDefinition check, PgHealthCheckResult result, CancellationToken cancellationToken) =>
        ApplyAlerts(StatementServer.Local, check, result, cancellationToken);

    /// <summary>
    /// The alerts of <paramref name="check"/>'s findings on server <paramref name="serverId"/> (0 = this database; in a
    /// repository, a registered server whose result was read there): one open alert per finding that is not Ok, the rest
    /// of that type resolved.
    /// </summary>
    internal int ApplyAlerts(int serverId, PgHealthCheckDefinition check, PgHealthCheckResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(result);
        if (check.AlertType is not { } type)
            return 0;
        return _context.Run(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var open = new List<string>();
            foreach (var finding in result.Findings.Where(f => f.Status != PgHealthStatus.Ok))
            {
                var key = $"{type}:{finding.Key}";
                var details = JsonSerializer.Serialize(new { check = check.Name, value = finding.Value, unit = check.Unit, threshold = result.Threshold, target = finding.Target });
                await connection.ExecuteAsync(new CommandDefinition(
                    SqlResources.Get("queries/alert_create.sql"),
                    new { server_id = serverId, type, severity = PgHealthStatus.AlertSeverity(finding.Status), subject = finding.Target, message = finding.Detail, details, key },
                    transaction, cancellationToken: cancellationToken));
                open.Add(key);
            }
            // Everything of this type that was not seen again has cleared.
            await connection.ExecuteAsync(new CommandDefinition(SqlResources.Get("queries/alert_resolve_stale.sql"),
                new { server_id = serverId, type, keys = open.ToArray() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return open.Count;
        }, cancellationToken);
    }
}
