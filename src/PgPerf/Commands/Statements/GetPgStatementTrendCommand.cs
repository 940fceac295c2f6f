using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>One row per hour of a statement's calls and times, from the pg_stat_statements snapshots.</summary>
[Cmdlet(VerbsCommon.Get, "PgStatementTrend", DefaultParameterSetName = HoursSet)]
[OutputType(typeof(PgStatementTrend))]
public sealed class GetPgStatementTrendCommand : PgRepositoryReaderCmdlet
{
    private const string HoursSet = "Hours";
    private const string RangeSet = "Range";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public long[] QueryId { get; set; } = Array.Empty<long>();

    [Parameter(ParameterSetName = HoursSet)]
    [ValidateRange(1, 24 * 366 * 10)]
    public int Hours { get; set; } = 24;

    [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
    public DateTimeOffset Since { get; set; }

    [Parameter(ParameterSetName = RangeSet)]
    public DateTimeOffset? Until { get; set; }

    /// <summary>Only this database (binds from Get-PgTopStatement rows, so each row's trend is its own entry's).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Database { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? User { get; set; }

    // Checked once per target, not once per piped row.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IStatementService> _services = new();

    protected override bool TargetFailureTerminates => false;

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (since, until) = StatementWindow.Resolve(ParameterSetName == RangeSet, Hours, Since, Until);
        var (source, server) = ReadFrom(target);
        var service = _services.GetOrAdd(source.CacheKey, _ => InstalledService<IStatementService>(source));
        WriteObject(service.GetTrend(new StatementTrendOptions
        {
            Server = server,
            QueryIds = QueryId, Since = since, Until = until, Databases = Database, Users = User,
        }, CancellationToken), enumerateCollection: true);
    }
}
