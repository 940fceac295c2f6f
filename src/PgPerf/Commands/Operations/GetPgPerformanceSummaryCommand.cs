using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// The performance dashboard: query figures, bloated tables and unused indexes, or the spec's JSON. With -Repository,
/// one summary per registered server, from what the repository stored for it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgPerformanceSummary")]
[OutputType(typeof(PgPerformanceSummary), typeof(string))]
public sealed class GetPgPerformanceSummaryCommand : PgRepositoryReaderCmdlet
{
    [Parameter(Position = 0)]
    public PgSummaryMetric Metric { get; set; } = PgSummaryMetric.Summary;

    [Parameter]
    [ValidateRange(1, 24 * 366)]
    public int Hours { get; set; } = 24;

    /// <summary>Bloat percentage from which tables are listed.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double Threshold { get; set; } = 10;

    /// <summary>Tables wasting less than this many MB are left out.</summary>
    [Parameter]
    [ValidateRange(0, 1024 * 1024)]
    public double MinWastedMB { get; set; } = 0.1;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 20;

    [Parameter]
    public SwitchParameter AsJson { get; set; }

    /// <summary>Also list PgPerf's own tables (schema pgperf) among the bloated tables.</summary>
    [Parameter]
    public SwitchParameter IncludePgPerf { get; set; }

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        if (server is null)
            ReadYourWrites.FlushPendingQueryLog(this, Engine, target);
        var summary = InstalledService<ISummaryService>(source).Get(
            new PgSummaryOptions
            {
                Metric = Metric, Hours = Hours, ThresholdPercent = Threshold, MinWastedBytes = (long)(MinWastedMB * 1024 * 1024), Top = Top,
                IncludePgPerf = IncludePgPerf, Server = server,
            }, CancellationToken);
        WriteObject(AsJson ? summary.ToJson() : summary);
    }
}
