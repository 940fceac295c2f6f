namespace PgPerf.Engine.Statements;

/// <summary>The statement part of Get-PgPerformanceSummary: the same calls as Get-PgTopStatement and Compare-PgStatement.</summary>
internal static class StatementSummary
{
    public static (PgStatementStat[] Top, PgStatementRegression[] Regressions) For(IStatementService service, PgSummaryOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var top = service.GetTop(new StatementTopOptions { Since = now.AddHours(-options.Hours), Until = now, Top = options.Top }, cancellationToken).ToArray();
        var regressions = service.Compare(StatementCompareOptions.Default(now), cancellationToken).Take(options.Top).ToArray();
        return (top, regressions);
    }
}
