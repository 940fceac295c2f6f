using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// A bloat cmdlet that selects tables by name: -Table and -Schema with wildcards, bound from the pipeline (so rows
/// of one bloat cmdlet pipe into the other). Get-PgTableBloat and Get-PgTableBloatTrend take them alike.
/// </summary>
public abstract class PgTableNameCmdlet : PgPerfCmdlet
{
    /// <summary>Table names; wildcards allowed. All tables when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("Name", "tablename")]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string[]? Table { get; set; }

    /// <summary>Schema names; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("schemaname")]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string[]? Schema { get; set; }

    /// <summary>True when the table matches -Schema and -Table (each matches everything when not given).</summary>
    protected bool IsSelected(string schema, string table) => Matches(Schema, schema) && Matches(Table, table);

    private static bool Matches(string[]? patterns, string name) =>
        patterns is not { Length: > 0 } || patterns.Any(p => new WildcardPattern(p, WildcardOptions.None).IsMatch(name));
}
