using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Writes PgPerf's current figures in the Prometheus text format, for node_exporter's textfile collector. With
/// -Repository, one file with the figures of every registered server (or those -Server names), read from what the
/// repository holds, each series labelled with the server's registered name.
/// </summary>
[Cmdlet(VerbsData.Export, "PgPerfMetric", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPgPerfMetricCommand : PgRepositoryReaderCmdlet
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
            // With -Repository the file is the repository's: every registered server's figures, read there only.
            var (target, servers) = OneFileSource();
            if (servers is { Count: 0 })
            {
                // An empty file would say "no figures", which is not what the user asked for: the file is left as it was.
                WriteWarning($"No server registered in the repository {target.Server}{(Server is null ? "" : " matches -Server")}; '{path}' was not written.");
                return;
            }
            var what = servers is null ? target.Server : $"{servers.Count} registered server(s) in the repository {target.Server}";
            if (!ShouldProcess(path, $"Write the PgPerf metrics of {what}"))
                return;
            var service = InstalledService<IReportService>(target);
            var options = new PgMetricOptions { Hours = Hours, TopQueries = TopQueries, Top = Top };
            var metrics = servers is null
                ? service.CollectMetrics(options, CancellationToken)
                : service.CollectRepositoryMetrics(servers, options, CancellationToken);
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
