using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Count, slow count, average, P50/P95/P99 (from rollups within 1 % of exact) and max over a window, overall or per query or endpoint, with a Status.</summary>
[Cmdlet(VerbsCommon.Get, "PgQueryStat", DefaultParameterSetName = HoursSet)]
[OutputType(typeof(PgQueryStat))]
public sealed class GetPgQueryStatCommand : PgRepositoryReaderCmdlet
{
    private const string HoursSet = "Hours";
    private const string RangeSet = "Range";

    [Parameter(ParameterSetName = HoursSet, Position = 0)]
    [ValidateRange(1, 24 * 366 * 10)]
    public int Hours { get; set; } = 24;

    [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
    public DateTimeOffset Start { get; set; }

    /// <summary>Defaults to now.</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public DateTimeOffset? End { get; set; }

    [Parameter]
    public QueryStatGroupBy GroupBy { get; set; } = QueryStatGroupBy.None;

    [Parameter]
    [ValidateRange(0d, 1e9)]
    public double SlowThresholdMs { get; set; } = QueryThresholds.SlowQueryMs;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? QueryHash { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Endpoint { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // A bad window is the caller's mistake: said once, before any server is asked.
        try { Window(); }
        catch (PgPerfException ex) { ThrowTerminating(ex); }
    }

    private (DateTimeOffset Start, DateTimeOffset End) Window()
    {
        var now = DateTimeOffset.UtcNow;
        var (start, end) = ParameterSetName == RangeSet ? (Start, End ?? now) : (now.AddHours(-Hours), now);
        if (start >= end)
            throw new PgPerfException(PgPerfErrorIds.Query.InvalidTimeRange, PgPerfErrorKind.InvalidArgument,
                $"-Start ({start.ToUniversalTime():u}) must be before -End ({end.ToUniversalTime():u}).") { ParameterName = "Start" };
        return (start, end);
    }

    // With -Repository, the query log the repository holds for each registered server (Send-PgQueryLog -Repository).
    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (start, end) = Window();
        var (source, server) = ReadFrom(target);
        var service = InstalledService<IQueryLogService>(source);
        ReadYourWrites.FlushPendingQueryLog(this, Engine, source);
        var rows = service.GetQueryStats(new QueryStatOptions
        {
            Start = start,
            End = end,
            GroupBy = GroupBy,
            SlowThresholdMs = SlowThresholdMs,
            QueryHashes = QueryHash,
            Endpoints = Endpoint,
            Server = server,
        }, CancellationToken);
        foreach (var row in rows)
            WriteObject(row);
    }
}
