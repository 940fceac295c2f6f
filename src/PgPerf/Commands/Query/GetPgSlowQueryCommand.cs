using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Logged executions at or over a duration in the last hours, slowest first (spec: getSlowQueries(24, 500)).</summary>
[Cmdlet(VerbsCommon.Get, "PgSlowQuery", DefaultParameterSetName = TopSet)]
[OutputType(typeof(PgSlowQuery))]
public sealed class GetPgSlowQueryCommand : PgRepositoryReaderCmdlet
{
    private const string TopSet = "Top";
    private const string AllSet = "All";

    /// <summary>Rows returned when neither -Top nor -All is given: a busy week holds hundreds of thousands.</summary>
    public const int DefaultTop = 100;

    [Parameter(Position = 0)]
    [ValidateRange(1, 24 * 366 * 10)]
    public int Hours { get; set; } = 24;

    [Parameter(Position = 1)]
    [ValidateRange(0d, 1e9)]
    public double MinDurationMs { get; set; } = QueryThresholds.SlowQueryMs;

    /// <summary>The N slowest executions; 0 returns every one (as -All does).</summary>
    [Parameter(ParameterSetName = TopSet)]
    [ValidateRange(0, int.MaxValue)]
    public int Top { get; set; } = DefaultTop;

    /// <summary>Every matching execution, however many.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? QueryHash { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Endpoint { get; set; }

    // With -Repository, the query log the repository holds for each registered server (Send-PgQueryLog -Repository).
    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = ReadFrom(target);
        var service = InstalledService<IQueryLogService>(source);
        ReadYourWrites.FlushPendingQueryLog(this, Engine, source);
        var top = All || Top == 0 ? (int?)null : Top;
        // Without an explicit -Top, one row more than the default shows whether rows were left out.
        var defaulted = top is not null && !MyInvocation.BoundParameters.ContainsKey(nameof(Top));
        var rows = service.GetSlowQueries(new SlowQueryOptions
        {
            Hours = Hours,
            MinDurationMs = MinDurationMs,
            Top = defaulted ? top + 1 : top,
            QueryHashes = QueryHash,
            Endpoints = Endpoint,
            Server = server,
        }, CancellationToken);
        var written = 0;
        foreach (var row in rows)
        {
            if (defaulted && written == top)
            {
                WriteWarning($"Showing the {top} slowest executions; more match. Use -Top N for another number, or -All (or -Top 0) for every one.");
                break;
            }
            WriteObject(row);
            written++;
        }
    }
}
