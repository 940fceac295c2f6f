using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Table bloat over time: each table's figure in every bloat snapshot of the last days (Invoke-PgBloatSnapshot,
/// the daily job), oldest first, to see whether bloat grows, and whether a VACUUM gave the space back.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgTableBloatTrend")]
[OutputType(typeof(PgTableBloatPoint))]
public sealed class GetPgTableBloatTrendCommand : PgPerfCmdlet
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

    /// <summary>Snapshots of the last this many days.</summary>
    [Parameter]
    [ValidateRange(1, 3650)]
    public int Days { get; set; } = 30;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var points = InstalledService<IBloatService>(target).GetHistory(DateTimeOffset.UtcNow.AddDays(-Days), CancellationToken);
        var schemas = Patterns(Schema);
        var tables = Patterns(Table);
        foreach (var point in points)
            if ((schemas.Count == 0 || schemas.Any(p => p.IsMatch(point.Schema))) && (tables.Count == 0 || tables.Any(p => p.IsMatch(point.Table))))
                WriteObject(point);
    }

    private static List<WildcardPattern> Patterns(string[]? names) =>
        (names ?? Array.Empty<string>()).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToList();
}
