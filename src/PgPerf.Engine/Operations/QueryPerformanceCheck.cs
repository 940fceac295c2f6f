using Dapper;

namespace PgPerf.Engine.Operations;

/// <summary>
/// The hourly job's query check (spec: "checks query performance metrics"): the last hour's average and P95
/// against the spec thresholds, as one 'query_performance' alert that resolves itself when the hour is healthy.
/// Also closes slow_query alerts (one per query hash, open while the query stays slow) after a quiet hour: no
/// execution at or over the threshold logged for an hour.
/// </summary>
internal static class QueryPerformanceCheck
{
    internal const string StepName = "query performance";
    internal const string AlertType = "query_performance";
    internal const string DedupKey = "query_performance:last_hour";
    internal static readonly TimeSpan QuietSlowQueryAlerts = TimeSpan.FromHours(1);

    public static long Run(JobStepContext step)
    {
        var (queries, message) = Check(step.Server, null, step.Cancellation);
        step.Message = message;
        return queries;
    }

    /// <summary>
    /// The check on <paramref name="context"/>'s own log (<paramref name="server"/> null: server 0), or on a registered
    /// server's part of a repository's log (the repository's hourly job); its alerts are that server's. Returns the last
    /// hour's executions and the step's message.
    /// </summary>
    internal static (long Queries, string Message) Check(PgServerContext context, StatementServer? server, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow;
        var serverId = server?.ServerId ?? StatementServer.Local;
        var stat = ((IQueryLogService)PgPerfEngine.CreateService(typeof(IQueryLogService), context)).GetQueryStats(
            new QueryStatOptions { Start = end.AddHours(-1), End = end, Server = server }, cancellationToken).FirstOrDefault();
        var verdict = Judge(stat);

        return context.Run(async connection =>
        {
            if (verdict is { } v)
            {
                var details = System.Text.Json.JsonSerializer.Serialize(new
                {
                    total_queries = stat!.TotalQueries,
                    slow_queries = stat.SlowQueries,
                    avg_duration_ms = stat.AvgDurationMs,
                    p95_duration_ms = stat.P95DurationMs,
                    window_start = stat.Start,
                    window_end = stat.End,
                });
                await connection.ExecuteAsync(new CommandDefinition(
                    SqlResources.Get("queries/alert_create.sql"),
                    new { server_id = serverId, type = AlertType, severity = v.Severity, subject = "last hour", message = v.Message, details, key = DedupKey }, cancellationToken: cancellationToken));
            }
            var stillOpen = verdict is null ? Array.Empty<string>() : new[] { DedupKey };
            await connection.ExecuteAsync(new CommandDefinition(
                SqlResources.Get("queries/alert_resolve_stale.sql"), new { server_id = serverId, type = AlertType, keys = stillOpen }, cancellationToken: cancellationToken));
            var quiet = await connection.ExecuteAsync(new CommandDefinition(
                SqlResources.Get("queries/alert_resolve_quiet_slow_queries.sql"), new { server_id = serverId, quiet = QuietSlowQueryAlerts }, cancellationToken: cancellationToken));

            var message = (verdict is null
                ? $"last hour: {stat?.TotalQueries ?? 0} queries, within thresholds"
                : $"last hour: {verdict.Value.Message}") + (quiet > 0 ? $"; {quiet} quiet slow_query alert(s) resolved" : "");
            return (stat?.TotalQueries ?? 0, message);
        }, cancellationToken);
    }

    /// <summary>Null when the hour is healthy; otherwise the alert's severity and message.</summary>
    internal static (string Severity, string Message)? Judge(PgQueryStat? stat)
    {
        if (stat is null || stat.TotalQueries == 0)
            return null;
        var status = QueryThresholds.Classify(stat.AvgDurationMs);
        var p95Slow = stat.P95DurationMs > QueryThresholds.SlowQueryMs;
        if (status == QueryStatus.Good && !p95Slow)
            return null;
        var severity = status == QueryStatus.Critical ? "critical" : "warning";
        return (severity, $"average {stat.AvgDurationMs:0.#} ms ({status}), P95 {stat.P95DurationMs:0.#} ms over {stat.TotalQueries} queries");
    }
}
