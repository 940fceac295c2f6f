using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Per index per day: scans, tuples read and size of one table's indexes, from the snapshots. With -Repository, those
/// of the servers registered there, from the index usage history stored there.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgIndexTrend")]
[OutputType(typeof(PgIndexTrend))]
public sealed class GetPgIndexTrendCommand : PgRepositoryReaderCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("TableName")]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string Table { get; set; } = "";

    /// <summary>The schema of the table (SchemaName of index rows); without it the name must be unique in the database.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("SchemaName")]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string? Schema { get; set; }

    /// <summary>Only this index of the table.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("IndexName")]
    [ArgumentCompleter(typeof(PgIndexNameCompleter))]
    public string? Index { get; set; }

    [Parameter]
    [ValidateRange(1, 3650)]
    public int Days { get; set; } = 7;

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        var service = InstalledService<IIndexService>(source);
        // A table that does not exist is one bad item: report it and go on with the next.
        TryInvoke(() => WriteObject(service.GetTrend(Schema, Table, Index, Days, server, CancellationToken), enumerateCollection: true));
    }
}
