using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Judges every index on its usage history: Active, LowUsage, Unused, ConsiderDropping or InsufficientData. With
/// -Repository, the indexes of the registered servers, from the history stored there, as of each one's latest snapshot.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgUnusedIndex")]
[OutputType(typeof(PgUnusedIndex))]
public sealed class GetPgUnusedIndexCommand : PgRepositoryReaderCmdlet
{
    /// <summary>Observed days without a scan before an index counts as Unused (spec: 30).</summary>
    [Parameter]
    [ValidateRange(1, 36500)]
    public int MinDaysUnused { get; set; } = 30;

    /// <summary>Leave out indexes smaller than this many MB.</summary>
    [Parameter]
    [ValidateRange(0.0, 1e9)]
    public double MinSizeMB { get; set; }

    [Parameter]
    public SwitchParameter IncludeConstraintIndexes { get; set; }

    [Parameter]
    public SwitchParameter IgnoreStatsAge { get; set; }

    /// <summary>Which verdicts to return; all but Active by default.</summary>
    [Parameter]
    [ValidateSet(PgIndexStatus.Active, PgIndexStatus.LowUsage, PgIndexStatus.Unused, PgIndexStatus.ConsiderDropping, PgIndexStatus.InsufficientData)]
    public string[] Status { get; set; } = { PgIndexStatus.LowUsage, PgIndexStatus.Unused, PgIndexStatus.ConsiderDropping, PgIndexStatus.InsufficientData };

    /// <summary>Only these schemas (wildcards allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string[]? Schema { get; set; }

    /// <summary>Only indexes of these tables (wildcards allowed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string[]? Table { get; set; }

    /// <summary>Also open/resolve the 'unused_index' alerts (what the daily job does); not for a registered server.</summary>
    [Parameter]
    public SwitchParameter RaiseAlerts { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (RaiseAlerts && Repository is not null)
            ThrowTerminating(AlertsOnlyWithConnection());
    }

    private protected override bool ReadsHistory => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        if (RaiseAlerts && server is not null)
            throw AlertsOnlyWithConnection();
        var service = InstalledService<IIndexService>(source);
        var options = new PgUnusedIndexOptions
        {
            MinDaysUnused = MinDaysUnused,
            IncludeConstraintIndexes = IncludeConstraintIndexes,
            IgnoreStatsAge = IgnoreStatsAge,
            Server = server,
        };
        var schemas = Patterns(Schema);
        var tables = Patterns(Table);
        var minBytes = (long)(MinSizeMB * 1024 * 1024);
        var rows = service.GetUnusedIndexes(options, CancellationToken);
        var insufficient = 0;
        foreach (var row in rows)
        {
            if (!Status.Contains(row.Status, StringComparer.OrdinalIgnoreCase) || row.SizeBytes < minBytes
                || !Matches(schemas, row.Schema) || !Matches(tables, row.Table))
                continue;
            if (row.Status == PgIndexStatus.InsufficientData) insufficient++;
            WriteObject(row);
        }
        if (insufficient > 0)
            WriteVerbose($"{insufficient} index(es) have less than {MinDaysUnused} observed days and no scan seen: keep Invoke-PgIndexSnapshot running (hourly), or use -IgnoreStatsAge to judge on what there is.");

        if (RaiseAlerts)
        {
            var check = service.CheckUnusedIndexAlerts(options, CancellationToken);
            WriteVerbose($"Unused-index alerts on {target.Server}: {check.OpenKeys.Length} open, {check.Resolved} resolved.");
        }
    }

    private static PgPerfException AlertsOnlyWithConnection() =>
        new(PgPerfErrorIds.Repository.NotWithRepository, PgPerfErrorKind.InvalidArgument,
            "-RaiseAlerts opens and resolves the unused-index alerts of the database given with -Connection; it does not apply to " +
            "servers read from a central repository. Leave -RaiseAlerts out, or run it with -Connection on the database itself.")
        { ParameterName = nameof(RaiseAlerts) };

    private static WildcardPattern[]? Patterns(string[]? values) =>
        values?.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToArray();

    private static bool Matches(WildcardPattern[]? patterns, string value) =>
        patterns is null || patterns.Any(p => p.IsMatch(value));
}
