using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Table bloat over time: each table's figure in every bloat snapshot of the last days (Invoke-PgBloatSnapshot,
/// the daily job), oldest first, to see whether bloat grows, and whether a VACUUM gave the space back. With -Repository,
/// that of the servers registered there, from the snapshots stored there.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgTableBloatTrend", DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgTableBloatPoint))]
public sealed class GetPgTableBloatTrendCommand : PgTableNameCmdlet
{
    private const string ConnectionSet = "Connection";
    private const string RepositorySet = "Repository";

    /// <summary>A central repository: the bloat history of every registered server (or those -Server names) stored there.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards); every registered server when omitted.</summary>
    [Parameter(ParameterSetName = RepositorySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    /// <summary>Snapshots of the last this many days.</summary>
    [Parameter]
    [ValidateRange(1, 3650)]
    public int Days { get; set; } = 30;

    protected override void ProcessRecord() => RunOnTargetsOrRegistered(Repository, Server, base.ProcessRecord);

    private protected override PgConnectionInfo ReachedFor(PgConnectionInfo target) => HistorySource(target).Source;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        var points = InstalledService<IBloatService>(source).GetHistory(DateTimeOffset.UtcNow.AddDays(-Days), server, CancellationToken);
        foreach (var point in points)
            if (IsSelected(point.Schema, point.Table))
                WriteObject(point);
    }
}
