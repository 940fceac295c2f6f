using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Logged executions at or over a duration in the last hours, slowest first (spec: getSlowQueries(24, 500)).</summary>
[Cmdlet(VerbsCommon.Get, "PgSlowQuery")]
[OutputType(typeof(PgSlowQuery))]
public sealed class GetPgSlowQueryCommand : PgPerfCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(1, 24 * 366 * 10)]
    public int Hours { get; set; } = 24;

    [Parameter(Position = 1)]
    [ValidateRange(0d, 1e9)]
    public double MinDurationMs { get; set; } = QueryThresholds.SlowQueryMs;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? QueryHash { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Endpoint { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var target = ResolveConnection();
            var service = InstalledService<IQueryLogService>(target);
            ReadYourWrites.FlushPendingQueryLog(this, Engine, target);
            var rows = service.GetSlowQueries(new SlowQueryOptions
            {
                Hours = Hours,
                MinDurationMs = MinDurationMs,
                Top = Top > 0 ? Top : null,
                QueryHashes = QueryHash,
                Endpoints = Endpoint,
            }, CancellationToken);
            foreach (var row in rows)
                WriteObject(row);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
