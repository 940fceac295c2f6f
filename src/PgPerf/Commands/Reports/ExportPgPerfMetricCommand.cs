using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Writes PgPerf's current figures in the Prometheus text format, for node_exporter's textfile collector.</summary>
[Cmdlet(VerbsData.Export, "PgPerfMetric", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPgPerfMetricCommand : PgPerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The query window in hours, ending now.</summary>
    [Parameter]
    [ValidateRange(1, 24 * 31)]
    public int Hours { get; set; } = 1;

    /// <summary>How many queries get their own series (label cardinality stays bounded).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int TopQueries { get; set; } = 10;

    /// <summary>At most this many tables and indexes get their own series.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int Top { get; set; } = 50;

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var target = ResolveConnection();
            if (!ShouldProcess(path, $"Write the PgPerf metrics of {target.Server}"))
                return;
            var service = InstalledService<IReportService>(target);
            var metrics = service.CollectMetrics(new PgMetricOptions { Hours = Hours, TopQueries = TopQueries, Top = Top }, CancellationToken);
            var file = service.Write(PgPrometheusText.Render(metrics), path);
            WriteVerbose($"Wrote {metrics.Sum(m => m.Samples.Count)} samples of {metrics.Count} metrics to {file.Path}.");
            WriteObject(new FileInfo(file.Path));
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
