using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Table bloat over time: each table's figure in every bloat snapshot of the last days (Invoke-PgBloatSnapshot,
/// the daily job), oldest first, to see whether bloat grows, and whether a VACUUM gave the space back.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgTableBloatTrend")]
[OutputType(typeof(PgTableBloatPoint))]
public sealed class GetPgTableBloatTrendCommand : PgTableNameCmdlet
{
    /// <summary>Snapshots of the last this many days.</summary>
    [Parameter]
    [ValidateRange(1, 3650)]
    public int Days { get; set; } = 30;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var points = InstalledService<IBloatService>(target).GetHistory(DateTimeOffset.UtcNow.AddDays(-Days), CancellationToken);
        foreach (var point in points)
            if (IsSelected(point.Schema, point.Table))
                WriteObject(point);
    }
}
