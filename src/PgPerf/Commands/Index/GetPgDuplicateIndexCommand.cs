using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Finds indexes made redundant by another index on the same table (exact or left-prefix duplicates). With -Repository,
/// on every registered server, read live from its catalog through its pg_monitor login.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgDuplicateIndex")]
[OutputType(typeof(PgDuplicateIndex))]
public sealed class GetPgDuplicateIndexCommand : PgLiveServerCmdlet
{
    /// <summary>Only Exact or only LeftPrefix duplicates.</summary>
    [Parameter]
    [ValidateSet("Exact", "LeftPrefix")]
    public string[]? Kind { get; set; }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var rows = Engine.Get<IIndexService>(target).GetDuplicates(CancellationToken);
        WriteRows(target, rows.Where(row => Kind is null || Kind.Contains(row.Kind, StringComparer.OrdinalIgnoreCase)));
    }
}
