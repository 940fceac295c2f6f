using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Statements whose mean time grew between a baseline window and the current one (default: the last 24 h against the 7 days before).</summary>
[Cmdlet(VerbsData.Compare, "PgStatement")]
[OutputType(typeof(PgStatementRegression))]
public sealed class ComparePgStatementCommand : PgRepositoryReaderCmdlet
{
    /// <summary>Defaults to 7 days before -BaselineEnd.</summary>
    [Parameter]
    public DateTimeOffset? BaselineStart { get; set; }

    /// <summary>Defaults to -Start.</summary>
    [Parameter]
    public DateTimeOffset? BaselineEnd { get; set; }

    /// <summary>Defaults to 24 hours before -End.</summary>
    [Parameter]
    public DateTimeOffset? Start { get; set; }

    /// <summary>Defaults to now.</summary>
    [Parameter]
    public DateTimeOffset? End { get; set; }

    [Parameter]
    [ValidateRange(0d, 1e9)]
    public double MinIncreasePercent { get; set; } = StatementCompareOptions.DefaultMinIncreasePercent;

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MinCalls { get; set; } = StatementCompareOptions.DefaultMinCalls;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Database { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? User { get; set; }

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var end = End ?? DateTimeOffset.UtcNow;
        var start = Start ?? end.AddHours(-24);
        var baselineEnd = BaselineEnd ?? start;
        var baselineStart = BaselineStart ?? baselineEnd.AddDays(-7);
        var (source, server) = ReadFrom(target);
        var service = InstalledService<IStatementService>(source);
        WriteObject(service.Compare(new StatementCompareOptions
        {
            Server = server,
            BaselineStart = baselineStart, BaselineEnd = baselineEnd, Start = start, End = end,
            MinIncreasePercent = MinIncreasePercent, MinCalls = MinCalls, Databases = Database, Users = User,
        }, CancellationToken), enumerateCollection: true);
    }
}
