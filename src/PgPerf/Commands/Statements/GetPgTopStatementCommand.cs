using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>The statements that cost the server the most over a window, from the pg_stat_statements snapshots.</summary>
[Cmdlet(VerbsCommon.Get, "PgTopStatement", DefaultParameterSetName = HoursSet)]
[OutputType(typeof(PgStatementStat))]
public sealed class GetPgTopStatementCommand : PgRepositoryReaderCmdlet
{
    private const string HoursSet = "Hours";
    private const string RangeSet = "Range";

    [Parameter(ParameterSetName = HoursSet, Position = 0)]
    [ValidateRange(1, 24 * 366 * 10)]
    public int Hours { get; set; } = 24;

    [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
    public DateTimeOffset Since { get; set; }

    /// <summary>Defaults to now.</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public DateTimeOffset? Until { get; set; }

    [Parameter]
    public StatementOrderBy OrderBy { get; set; } = StatementOrderBy.TotalTime;

    /// <summary>0 returns every statement.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000)]
    public int Top { get; set; } = 20;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Database { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? User { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public long[]? QueryId { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // A bad window is the caller's mistake: said once, before any server is asked.
        try { StatementWindow.Resolve(ParameterSetName == RangeSet, Hours, Since, Until); }
        catch (PgPerfException ex) { ThrowTerminating(ex); }
    }

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (since, until) = StatementWindow.Resolve(ParameterSetName == RangeSet, Hours, Since, Until);
        var (source, server) = ReadFrom(target);
        var service = InstalledService<IStatementService>(source);
        WriteObject(service.GetTop(new StatementTopOptions
        {
            Server = server,
            Since = since, Until = until, OrderBy = OrderBy, Top = Top, Databases = Database, Users = User, QueryIds = QueryId,
        }, CancellationToken), enumerateCollection: true);
    }
}

/// <summary>-Hours or -Since/-Until, the same way in every statement cmdlet.</summary>
internal static class StatementWindow
{
    public static (DateTimeOffset Since, DateTimeOffset Until) Resolve(bool range, int hours, DateTimeOffset since, DateTimeOffset? until)
    {
        var now = DateTimeOffset.UtcNow;
        var window = range ? (since, until ?? now) : (now.AddHours(-hours), now);
        if (window.Item1 >= window.Item2)
            throw new PgPerfException(PgPerfErrorIds.Statements.InvalidTimeRange, PgPerfErrorKind.InvalidArgument,
                $"-Since ({window.Item1.ToUniversalTime():u}) must be before -Until ({window.Item2.ToUniversalTime():u}).") { ParameterName = "Since" };
        return window;
    }
}
