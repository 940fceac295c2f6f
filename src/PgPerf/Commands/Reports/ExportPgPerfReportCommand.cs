using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PgPerf.Commands;

/// <summary>
/// Writes one self-contained HTML page with the summary, latency charts, slow queries, indexes, bloat and alerts. With
/// -Repository, one page with a section per registered server (or those -Server names), from what the repository holds.
/// </summary>
[Cmdlet(VerbsData.Export, "PgPerfReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportPgPerfReportCommand : PgRepositoryReaderCmdlet
{
    private const int ProgressId = 0x5047_5250;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Hours covered, ending with the current hour.</summary>
    [Parameter]
    [ValidateRange(1, 24 * 90)]
    public int Hours { get; set; } = 168;

    /// <summary>How many queries (by total time) get their own latency chart.</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    public int TopQueries { get; set; } = 5;

    /// <summary>Rows per table.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 20;

    /// <summary>Do not overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Open the page in the default browser afterwards.</summary>
    [Parameter]
    public SwitchParameter Open { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (NoClobber && File.Exists(path))
        {
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Report.FileExists, PgPerfErrorKind.InvalidArgument,
                $"'{path}' exists and -NoClobber was given; remove the file, choose another -Path, or leave out -NoClobber.", path) { ParameterName = "Path" });
            return;
        }
        try
        {
            // With -Repository the page is the repository's: one section per registered server it holds the history of.
            var (target, servers) = OneFileSource();
            var what = servers is null ? target.Server : $"{servers.Count} registered server(s) in the repository {target.Server}";
            if (!ShouldProcess(path, $"Write a PgPerf report of the last {Hours} hours of {what}"))
                return;
            var service = InstalledService<IReportService>(target);
            var progress = new ProgressRecord(ProgressId, "Export-PgPerfReport", "Reading");
            var options = new PgReportOptions { Hours = Hours, TopQueries = TopQueries, TopRows = Top };
            void Report(string section, int percent)
            {
                progress.StatusDescription = section;
                progress.PercentComplete = percent;
                WriteProgress(progress);
            }
            var data = servers is not null
                ? service.CollectRepository(servers, options, Report, CancellationToken)
                : service.Collect(options, Report, CancellationToken);
            progress.StatusDescription = "Writing";
            WriteProgress(progress);
            var file = service.Write(service.Render(data), path);
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            foreach (var (section, ms) in data.SectionMs)
                WriteVerbose($"Read {section} in {ms:N0} ms.");
            foreach (var note in data.Notes)
                WriteWarning($"Report section left empty: {note}");
            WriteVerbose($"Wrote {file.Bytes:N0} bytes to {file.Path}.");
            WriteObject(new FileInfo(file.Path));
            if (Open)
                InvokeCommand.InvokeScript("Invoke-Item -LiteralPath $args[0]", false, PipelineResultTypes.None, null, file.Path);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
