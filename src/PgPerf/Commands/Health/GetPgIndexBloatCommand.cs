using System.Diagnostics;
using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Reports B-tree index bloat now: the space a REINDEX would give back, per index. Estimate (default) reads only
/// the catalog; Exact measures with pgstatindex, largest index first, within a time budget, skipping locked ones.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgIndexBloat")]
[OutputType(typeof(PgIndexBloat))]
public sealed class GetPgIndexBloatCommand : PgLiveServerCmdlet
{
    private const int ProgressId = 0x5043;

    /// <summary>Table names; wildcards allowed. All tables when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("tablename")]
    [ArgumentCompleter(typeof(PgTableNameCompleter))]
    public string[]? Table { get; set; }

    /// <summary>Index names; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("indexname")]
    [ArgumentCompleter(typeof(PgIndexNameCompleter))]
    public string[]? Index { get; set; }

    /// <summary>Schema names; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [Alias("schemaname")]
    [ArgumentCompleter(typeof(PgSchemaNameCompleter))]
    public string[]? Schema { get; set; }

    [Parameter]
    [ValidateRange(0, 100)]
    public double MinBloatPercent { get; set; }

    [Parameter]
    [ValidateRange(0, 1_000_000_000)]
    public double MinWastedMB { get; set; }

    [Parameter]
    [ValidateSet("Estimate", "Exact")]
    public PgBloatMethod Method { get; set; } = PgBloatMethod.Estimate;

    /// <summary>-Method Exact: stop measuring after this long; the indexes left keep their estimate (flag TimeBudget).</summary>
    [Parameter]
    [ValidateRange(0, 86_400)]
    public int TimeBudgetSeconds { get; set; } = 300;

    /// <summary>-Method Exact: how long to wait for a locked index before keeping its estimate (flag Locked).</summary>
    [Parameter]
    [ValidateRange(0, 60_000)]
    public int LockTimeoutMs { get; set; } = 1000;

    /// <summary>With -Repository: the estimates stored there since this time (the hourly job's index bloat snapshot), instead of estimating now.</summary>
    [Parameter]
    public DateTimeOffset? Since { get; set; }

    // -Since reads the repository only: a registered server that is down still has its history there.
    private protected override bool ReadsHistory => Since is not null;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RequireRepositoryForHistory(Since);
    }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var minBytes = (long)(MinWastedMB * 1024 * 1024);
        if (Since is { } since)
        {
            // Each stored run on its own, oldest first, worst first within it.
            var (history, server) = HealthHistory(target);
            var stored = Select(history.ReadIndexBloat(server, since, CancellationToken).ToList(), target);
            foreach (var run in stored.GroupBy(r => r.MeasuredAt))
                WriteRows(target, IndexBloatSelection.WorstFirst(run, MinBloatPercent, minBytes));
            return;
        }
        var service = Engine.Get<IIndexBloatService>(target);
        if (Method == PgBloatMethod.Exact)
            service.EnsurePgstattuple(CancellationToken);
        WriteVerbose($"Estimating the bloat of every B-tree index on {NameOf(target)}.");
        var all = service.Estimate(CancellationToken);

        var selected = Select(all, target);
        if (Method == PgBloatMethod.Exact)
            selected = MeasureAll(service, selected);

        WriteRows(target, IndexBloatSelection.WorstFirst(selected, MinBloatPercent, minBytes));
    }

    private List<PgIndexBloat> Select(IReadOnlyList<PgIndexBloat> all, PgConnectionInfo target)
    {
        var schemas = Patterns(Schema);
        var tables = Patterns(Table);
        var indexes = Patterns(Index);
        var selected = all.Where(r => (schemas.Count == 0 || schemas.Any(p => p.IsMatch(r.Schema)))
                                      && (tables.Count == 0 || tables.Any(p => p.IsMatch(r.Table)))
                                      && (indexes.Count == 0 || indexes.Any(p => p.IsMatch(r.Index)))).ToList();

        // A name without wildcards that matches nothing is a mistake worth an error; a pattern may match nothing.
        foreach (var (names, parameter, has) in new[]
                 {
                     (Table, nameof(Table), (Func<PgIndexBloat, string, bool>)((r, n) => r.Table == n)),
                     (Index, nameof(Index), (r, n) => r.Index == n),
                 })
        {
            foreach (var name in names ?? Array.Empty<string>())
            {
                if (WildcardPattern.ContainsWildcardCharacters(name) || selected.Any(r => has(r, name)))
                    continue;
                WriteError(ToErrorRecord(new PgPerfException(PgPerfErrorIds.Bloat.IndexNotFound, PgPerfErrorKind.ObjectNotFound,
                    $"No B-tree index {(parameter == nameof(Table) ? "on a table named" : "named")} '{name}' in database {target.Database ?? "(default)"} on {NameOf(target)}. " +
                    "Names are case-sensitive; Get-PgIndexBloat without -Table and -Index lists them all.", name) { ParameterName = parameter }));
            }
        }
        return selected;
    }

    // Largest first, so a time budget that runs out leaves the small indexes on their estimate.
    private List<PgIndexBloat> MeasureAll(IIndexBloatService service, List<PgIndexBloat> estimates)
    {
        var measured = new List<PgIndexBloat>(estimates.Count);
        var ordered = estimates.OrderByDescending(e => e.IndexBytes).ToList();
        var clock = Stopwatch.StartNew();
        var progress = new ProgressRecord(ProgressId, "Measuring index bloat (pgstatindex)", "Starting");
        var leftOver = 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var index = ordered[i];
            if (clock.Elapsed.TotalSeconds >= TimeBudgetSeconds)
            {
                measured.Add(Kept(index, "TimeBudget"));
                leftOver++;
                continue;
            }
            if (ordered.Count > 1)
            {
                progress.StatusDescription = $"{index.QualifiedName} ({i + 1} of {ordered.Count})";
                progress.PercentComplete = 100 * i / ordered.Count;
                WriteProgress(progress);
            }
            try
            {
                measured.Add(service.Measure(index, LockTimeoutMs, CancellationToken));
            }
            catch (PgPerfException ex) when (ex.ErrorId is PgPerfErrorIds.LockNotAvailable)
            {
                WriteWarning($"{index.QualifiedName} is locked (REINDEX or DROP running?): it keeps its estimate.");
                measured.Add(Kept(index, "Locked"));
            }
            catch (PgPerfException ex)
            {
                // Say which index was skipped: one failure must not hide the others.
                WriteError(ToErrorRecord(new PgPerfException(ex.ErrorId, ex.Kind, $"{index.QualifiedName} was not measured: {ex.Message}", index.QualifiedName, ex)
                    { ParameterName = ex.ParameterName }));
            }
        }
        if (leftOver > 0)
            WriteWarning($"The time budget of {TimeBudgetSeconds} s ran out: {leftOver} of {ordered.Count} indexes keep their estimate (flag TimeBudget). Raise -TimeBudgetSeconds or narrow -Table/-Index.");
        if (ordered.Count > 1)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        return measured;
    }

    private static PgIndexBloat Kept(PgIndexBloat estimate, string flag)
    {
        estimate.Flags = estimate.Flags.Append(flag).ToArray();
        return estimate;
    }

    private static List<WildcardPattern> Patterns(string[]? names) =>
        (names ?? Array.Empty<string>()).Select(n => new WildcardPattern(n, WildcardOptions.None)).ToList();
}
