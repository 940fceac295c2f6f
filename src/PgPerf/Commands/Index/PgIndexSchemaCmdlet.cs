using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// An index cmdlet that takes -Schema from the pipeline (SchemaName of index rows), as Remove-PgIndex does.
/// (Get-PgIndexTrend takes it alike, but derives from PgRepositoryReaderCmdlet for -Repository/-Server.)
/// </summary>
public abstract class PgIndexSchemaCmdlet : PgPerfCmdlet
{
    /// <summary>The schema of the table or index; without it the name must be unique in the database.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("SchemaName")]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string? Schema { get; set; }
}
