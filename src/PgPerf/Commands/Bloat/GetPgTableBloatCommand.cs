using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Reports table bloat now: the space VACUUM FULL would give back, heap plus TOAST, per table. Estimate (default)
/// reads only the catalog; Approx and Exact measure with the pgstattuple extension.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PgTableBloat")]
[OutputType(typeof(PgTableBloat))]
public sealed class GetPgTableBloatCommand : PgTableNameCmdlet
{
    private const int ProgressId = 0x5042;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<PgTableBloat>> _estimates = new(StringComparer.Ordinal);

    /// <summary>Only tables at or over this bloat percentage (0 = all; the spec's high-bloat list is 20).</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public double MinBloatPercent { get; set; }

    /// <summary>Only tables wasting at least this many MB.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000_000)]
    public double MinWastedMB { get; set; }

    [Parameter]
    public PgBloatMethod Method { get; set; } = PgBloatMethod.Estimate;

    /// <summary>Also list PgPerf's own tables (schema pgperf), which are left out unless named exactly.</summary>
    [Parameter]
    public SwitchParameter IncludePgPerf { get; set; }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = InstalledService<IBloatService>(target);
        if (Method != PgBloatMethod.Estimate)
            service.EnsurePgstattuple(CancellationToken);
        if (!_estimates.TryGetValue($"{target.Server}|{target.Username}", out var all))
        {
            WriteVerbose($"Estimating bloat of every table on {target.Server}.");
            _estimates[$"{target.Server}|{target.Username}"] = all = service.Estimate(CancellationToken);
        }

        var selected = Select(all, target);
        if (Method != PgBloatMethod.Estimate)
            selected = MeasureAll(service, selected);

        var minBytes = (long)(MinWastedMB * 1024 * 1024);
        foreach (var row in selected.Where(r => r.BloatPercent >= MinBloatPercent && r.BloatBytes >= minBytes)
                     .OrderByDescending(r => r.BloatPercent).ThenByDescending(r => r.BloatBytes))
            WriteObject(row);
    }

    private List<PgTableBloat> Select(IReadOnlyList<PgTableBloat> all, PgConnectionInfo target)
    {
        var selected = all.Where(r => IsSelected(r.Schema, r.Table)
                                      && (IncludePgPerf || !PgPerfOwnObjects.IsOwnSchema(r.Schema) || NamedExactly(r))).ToList();

        // A name without wildcards that matches nothing is a mistake worth an error; a pattern may match nothing.
        foreach (var name in Table ?? Array.Empty<string>())
        {
            if (WildcardPattern.ContainsWildcardCharacters(name) || selected.Any(r => r.Table == name))
                continue;
            var where = Schema is { Length: > 0 } ? $" in schema {string.Join(", ", Schema)}" : "";
            WriteError(ToErrorRecord(new PgPerfException(PgPerfErrorIds.Bloat.TableNotFound, PgPerfErrorKind.ObjectNotFound,
                $"No table named '{name}'{where} in database {target.Database ?? "(default)"} on {target.Server}. Names are case-sensitive; Get-PgTableBloat without -Table lists them all.",
                name) { ParameterName = nameof(Table) }));
        }
        return selected;
    }

    // A schema or table given without wildcards is asked for by name, so PgPerf's own tables are not hidden from it.
    private bool NamedExactly(PgTableBloat row) =>
        (Schema ?? Array.Empty<string>()).Any(n => !WildcardPattern.ContainsWildcardCharacters(n) && n == row.Schema)
        || (Table ?? Array.Empty<string>()).Any(n => !WildcardPattern.ContainsWildcardCharacters(n) && n == row.Table);

    private List<PgTableBloat> MeasureAll(IBloatService service, List<PgTableBloat> tables)
    {
        var measured = new List<PgTableBloat>(tables.Count);
        var progress = new ProgressRecord(ProgressId, $"Measuring table bloat ({Method})", "Starting");
        for (var i = 0; i < tables.Count; i++)
        {
            var table = tables[i];
            if (tables.Count > 1)
            {
                progress.StatusDescription = $"{table.QualifiedName} ({i + 1} of {tables.Count})";
                progress.PercentComplete = 100 * i / tables.Count;
                WriteProgress(progress);
            }
            try
            {
                measured.Add(service.Measure(table, Method, CancellationToken));
            }
            catch (PgPerfException ex)
            {
                // Say which table was skipped: a lock or a statement timeout on one table must not hide the others.
                WriteError(ToErrorRecord(new PgPerfException(ex.ErrorId, ex.Kind, $"{table.QualifiedName} was not measured: {ex.Message}", table.QualifiedName, ex)
                    { ParameterName = ex.ParameterName }));
            }
        }
        if (tables.Count > 1)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        return measured;
    }
}
