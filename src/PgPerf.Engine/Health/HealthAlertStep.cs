using PgPerf.Engine.Operations;

namespace PgPerf.Engine.Health;

/// <summary>
/// The hourly job's health step: every check of PgHealthChecks.All that has an AlertType runs with its default
/// thresholds, opens a deduplicated alert per finding and resolves the ones that cleared. A check that fails
/// keeps its alerts as they are (its state is unknown), the others still run, and the step reports the failure.
/// </summary>
internal static class HealthAlertStep
{
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
        if (failures.Count > 0)
            throw new PgPerfException("PgPerf.Health.CheckFailed", failures[0].Kind,
                string.Join(" ", failures.Select(f => f.Message)), failures[0].Target, failures[0]);
        return open;
    }
}
