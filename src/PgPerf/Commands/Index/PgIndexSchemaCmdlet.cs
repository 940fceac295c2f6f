using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// An index cmdlet that takes -Schema from the pipeline (SchemaName of index rows): Get-PgIndexTrend and
/// Remove-PgIndex take it alike.
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
