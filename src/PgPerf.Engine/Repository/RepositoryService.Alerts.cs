using PgPerf.Engine.Operations;

namespace PgPerf.Engine.Repository;

// The alerts of registered servers in a central repository (migrations 035, 037): after a server's hourly steps, the
// same rules as the in-database jobs (JobSteps) raise and resolve that server's alerts in the repository, with its
// server_id: high bloat from its latest bloat snapshot, the last hour of the query log its applications sent here,
// statement regressions from its stored statement history, health alerts from the health checks just stored, and a
// job_failure alert per failed step, under the in-database job's step names. Each is a step of its own that never
// throws, so no alert can cost the server's snapshots or another server's run.
internal sealed partial class RepositoryService
{
    private List<PgJobStep> RaiseHourlyAlerts(PgMonitoredServer server, IReadOnlyList<PgJobStep> snapshots,
        IReadOnlyList<PgHealthCheckResult> healthResults, CancellationToken cancellationToken)
    {
        var steps = snapshots.ToList();
        var statementSnapshot = snapshots.First(s => s.Name == Statements.StatementJobSteps.SnapshotStepName);
        // The application's query log that was sent here for the server (Send-PgQueryLog -Repository -Server): the last
        // hour against the thresholds, and its slow_query alerts closed after a quiet hour.
        steps.Add(RunAlertStep(QueryPerformanceCheck.StepName, step =>
        {
            var (queries, message) = QueryPerformanceCheck.Check(_context, StatementServer.Of(server), cancellationToken);
            step.Message = message;
            return queries;
        }));
        var bloatSnapshot = snapshots.First(s => s.Name == Bloat.BloatService.SnapshotStepName);
        steps.Add(RunAlertStep(Bloat.BloatService.AlertStepName, step =>
        {
            // Judged on the snapshot just stored, as the bloat snapshot of a database does; without one they stay as they are.
            if (bloatSnapshot.Status != PgJobStepStatus.Succeeded)
                return Skip(step, $"no bloat snapshot of {server.Name} in this run; its high_bloat alerts are kept as they are");
            var open = new Bloat.BloatService(_context).CheckAlerts(server.ServerId, new PgBloatSnapshotOptions(), cancellationToken);
            step.Message = $"{open} table(s) over the bloat threshold";
            return open;
        }));
        steps.Add(RunAlertStep(Statements.StatementJobSteps.RegressionsStepName, step =>
        {
            // Without a statement snapshot (pg_stat_statements missing there, or the read failed) its alerts stay as they are.
            if (statementSnapshot.Status != PgJobStepStatus.Succeeded)
                return Skip(step, $"no statement snapshot of {server.Name} in this run; its regression alerts are kept as they are");
            var options = StatementCompareOptions.Default(DateTimeOffset.UtcNow) with { Server = new StatementServer(server.ServerId, server.Name) };
            var check = new Statements.StatementService(_context).CheckRegressionAlerts(options, cancellationToken);
            step.Message = $"{check.OpenKeys.Length} statement(s) regressed; {check.Resolved} alert(s) resolved";
            return check.OpenKeys.Length;
        }));
        steps.Add(RunAlertStep(Health.HealthAlertStep.StepName, step =>
        {
            var checks = new Health.HealthCheckService(_context);
            var summary = new List<string>();
            long open = 0;
            // A check that did not run this time (its read failed) keeps its alerts: its state is unknown (HealthAlertStep).
            foreach (var check in PgHealthChecks.All.Where(c => c.AlertType is not null))
            {
                if (healthResults.FirstOrDefault(r => r.Check == check.Name) is not { } result)
                    continue;
                var count = checks.ApplyAlerts(server.ServerId, check, result, cancellationToken);
                open += count;
                summary.Add($"{check.AlertType} {count}");
            }
            if (summary.Count == 0)
                return Skip(step, $"no health check of {server.Name} ran in this run; its health alerts are kept as they are");
            step.Message = "open alerts: " + string.Join(", ", summary);
            return open;
        }));
        var failed = steps.Where(s => s.Status == PgJobStepStatus.Failed).ToList();
        var succeeded = steps.Where(s => s.Status == PgJobStepStatus.Succeeded).Select(s => s.Name).ToList();
        steps.Add(RunAlertStep(JobRunner.AlertStepName, step =>
        {
            var (raised, resolved) = JobRunner.ApplyFailureAlerts(_context, server.ServerId, PgJobKind.Hourly, failed, succeeded, cancellationToken);
            step.Message = $"{raised} raised, {resolved} resolved";
            return raised;
        }));
        return steps;
    }

    /// <summary>Why the monitored server cannot be reached, or null when it answers.</summary>
    private static PgPerfException? Unreachable(IMonitoredServerService monitored, CancellationToken cancellationToken)
    {
        try
        {
            monitored.ReadServerVersion(cancellationToken);
            return null;
        }
        catch (PgPerfException ex) when (ex.Kind == PgPerfErrorKind.ConnectionError)
        {
            return ex;
        }
    }

    private static long Skip(PgJobStep step, string reason)
    {
        step.Status = PgJobStepStatus.Skipped;
        step.Message = reason;
        return 0;
    }

    /// <summary>An alert step: whatever goes wrong (a bad row, the repository gone) is the step's Error, never an exception.</summary>
    private PgJobStep RunAlertStep(string name, Func<PgJobStep, long> raise)
    {
        var step = new PgJobStep { Name = name, Status = PgJobStepStatus.Succeeded };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            step.Count = raise(step);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex as PgPerfException ?? PgErrors.Translate(ex, _context.Info, connecting: false);
            step.Status = PgJobStepStatus.Failed;
            step.Error = error.Message;
            step.ErrorId = error.ErrorId;
        }
        step.DurationMs = clock.Elapsed.TotalMilliseconds;
        return step;
    }
}

/// <summary>The daily job's alerts of a central repository's registered servers (JobSteps.Daily).</summary>
internal static class RepositoryAlerts
{
    internal const string UnusedIndexStepName = "unused indexes of registered servers";

    /// <summary>
    /// Unused-index alerts per registered server, judged from the repository's index usage history with the rule of
    /// the "unused indexes" step. One server that cannot be judged costs only its own alerts: the others still run, and
    /// the step fails naming it.
    /// </summary>
    public static long UnusedIndexes(JobStepContext step)
    {
        var servers = step.Service<IRepositoryService>().List(step.Cancellation);
        var indexes = step.Service<IIndexService>();
        var failures = new List<string>();
        long open = 0;
        var resolved = 0;
        foreach (var server in servers)
        {
            try
            {
                var check = indexes.CheckUnusedIndexAlerts(new PgUnusedIndexOptions { Server = server }, step.Cancellation);
                open += check.OpenKeys.Length;
                resolved += check.Resolved;
            }
            catch (PgPerfException ex)
            {
                failures.Add($"{server.Name}: {ex.Message}");
            }
        }
        step.Message = $"{servers.Count} server(s): {open} index(es) to consider dropping; {resolved} alert(s) resolved";
        if (failures.Count > 0)
            throw new PgPerfException(PgPerfErrorIds.Job.StepFailed, PgPerfErrorKind.InvalidOperation,
                $"The unused indexes of {failures.Count} registered server(s) could not be judged: " + string.Join(" ", failures));
        return open;
    }
}
