using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Per index per day: scans, tuples read and size of one table's indexes, from the snapshots.</summary>
[Cmdlet(VerbsCommon.Get, "PgIndexTrend")]
[OutputType(typeof(PgIndexTrend))]
public sealed class GetPgIndexTrendCommand : PgIndexSchemaCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("TableName")]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string Table { get; set; } = "";

    /// <summary>Only this index of the table.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("IndexName")]
    [ArgumentCompleter(typeof(PgIndexNameCompleter))]
    public string? Index { get; set; }

    [Parameter]
    [ValidateRange(1, 3650)]
    public int Days { get; set; } = 7;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IIndexService>(target);
        // A table that does not exist is one bad item: report it and go on with the next.
        TryInvoke(() => WriteObject(service.GetTrend(Schema, Table, Index, Days, CancellationToken), enumerateCollection: true));
    }
}
