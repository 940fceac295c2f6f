using PgPerf.Engine.Operations;

namespace PgPerf.Engine.Health;

/// <summary>
/// The hourly job's health step: every check of PgHealthChecks.All that has an AlertType runs with its default
/// thresholds, opens a deduplicated alert per finding and resolves the ones that cleared. A check that fails
/// keeps its alerts as they are (its state is unknown), the others still run, and the step reports the failure.
/// </summary>
internal static class HealthAlertStep
{
    /// <summary>The step's name, in the hourly job of a database and of a repository's registered servers.</summary>
    internal const string StepName = "health alerts";

    public static long Run(JobStepContext step)
    {
        var service = step.Service<IHealthCheckService>();
        var noOverrides = new Dictionary<string, double>();
        var summary = new List<string>();
        var failures = new List<PgPerfException>();
        long open = 0;
        foreach (var check in PgHealthChecks.All.Where(c => c.AlertType is not null))
        {
            try
            {
                var result = service.Run(check, noOverrides, step.Cancellation);
                var count = service.ApplyAlerts(check, result, step.Cancellation);
                open += count;
                summary.Add($"{check.AlertType} {count}");
            }
            catch (PgPerfException ex)
            {
                failures.Add(ex);
                summary.Add($"{check.AlertType} failed");
            }
        }
        step.Message = "open alerts: " + string.Join(", ", summary);
        // The first failure's id (PgPerf.Connection.Failed when the server is down), with every check's message.
        if (failures.Count > 0)
            throw new PgPerfException(failures[0].ErrorId, failures[0].Kind,
                string.Join(" ", failures.Select(f => f.Message).Distinct()), failures[0].Target, failures[0]);
        return open;
    }
}
