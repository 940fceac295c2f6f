namespace PgPerf.Engine.Statements;

/// <summary>The statement part of Get-PgPerformanceSummary: the same calls as Get-PgTopStatement and Compare-PgStatement.</summary>
internal static class StatementSummary
{
    /// <summary><paramref name="server"/>: a server registered in the repository the service reads; null for its own statements.</summary>
    public static (PgStatementStat[] Top, PgStatementRegression[] Regressions) For(IStatementService service, PgSummaryOptions options, StatementServer? server,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var top = service.GetTop(new StatementTopOptions { Server = server, Since = now.AddHours(-options.Hours), Until = now, Top = options.Top }, cancellationToken).ToArray();
        var regressions = service.Compare(StatementCompareOptions.Default(now) with { Server = server }, cancellationToken).Take(options.Top).ToArray();
        return (top, regressions);
    }
}
