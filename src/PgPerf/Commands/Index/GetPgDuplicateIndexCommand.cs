using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Finds indexes made redundant by another index on the same table (exact or left-prefix duplicates).</summary>
[Cmdlet(VerbsCommon.Get, "PgDuplicateIndex")]
[OutputType(typeof(PgDuplicateIndex))]
public sealed class GetPgDuplicateIndexCommand : PgPerfCmdlet
{
    /// <summary>Only Exact or only LeftPrefix duplicates.</summary>
    [Parameter]
    [ValidateSet("Exact", "LeftPrefix")]
    public string[]? Kind { get; set; }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var rows = Engine.Get<IIndexService>(target).GetDuplicates(CancellationToken);
        foreach (var row in rows)
            if (Kind is null || Kind.Contains(row.Kind, StringComparer.OrdinalIgnoreCase))
                WriteObject(row);
    }
}
