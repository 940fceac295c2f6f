using PgPerf.Engine.Operations;

namespace PgPerf.Engine.Statements;

/// <summary>The hourly job's statement steps (listed in JobSteps).</summary>
internal static class StatementJobSteps
{
    /// <summary>The step's name, in the hourly job of a database and of a repository's registered servers.</summary>
    internal const string SnapshotStepName = "statement snapshot";

    /// <summary>The regression step's name, in the hourly job of a database and of a repository's registered servers.</summary>
    internal const string RegressionsStepName = "statement regressions";

    public static long Snapshot(JobStepContext s)
    {
        try
        {
            var result = s.Service<IStatementService>().CaptureSnapshot(s.Cancellation);
            if (result.Skipped.Length > 0) s.Message = string.Join("; ", result.Skipped);
            return result.Count;
        }
        catch (PgPerfException ex) when (ex.ErrorId == StatementService.NotAvailableErrorId)
        {
            throw new JobStepSkippedException(ex.Message);
        }
    }

    /// <summary>The default comparison (the last 24 h against the 7 days before): one alert per regressed statement.</summary>
    public static long Regressions(JobStepContext s)
    {
        var check = s.Service<IStatementService>().CheckRegressionAlerts(StatementCompareOptions.Default(DateTimeOffset.UtcNow), s.Cancellation);
        s.Message = $"{check.OpenKeys.Length} statement(s) regressed; {check.Resolved} alert(s) resolved";
        return check.OpenKeys.Length;
    }
}
