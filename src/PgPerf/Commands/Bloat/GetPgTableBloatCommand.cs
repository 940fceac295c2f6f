using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Reports table bloat now: the space VACUUM FULL would give back, heap plus TOAST, per table. Estimate (default)
/// reads only the catalog; Approx and Exact measure with the pgstattuple extension. With -Repository, the latest bloat
/// snapshot the repository stored for each registered server (see ProcessRegistered for why not a live read).
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

    /// <summary>A central repository: the latest bloat snapshot it stored for every registered server (or those -Server names).</summary>
    [Parameter]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards) with -Repository; every registered server when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RequireRepositoryForServer(Server, Repository);
        if (Repository is not null && Method != PgBloatMethod.Estimate)
            ThrowTerminating(MeasureNotWithRepository());
    }

    protected override void ProcessRecord() => RunOnTargetsOrRegistered(Repository, Server, base.ProcessRecord);

    // A registered server is read in the repository only, so one that is down is still reported from its last snapshot.
    private protected override PgConnectionInfo ReachedFor(PgConnectionInfo target) => HistorySource(target).Source;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var (source, server) = HistorySource(target);
        if (server is not null)
        {
            ProcessRegistered(source, server);
            return;
        }
        var service = InstalledService<IBloatService>(target);
        if (Method != PgBloatMethod.Estimate)
            service.EnsurePgstattuple(CancellationToken);
        if (!_estimates.TryGetValue($"{target.Server}|{target.Username}", out var all))
        {
            WriteVerbose($"Estimating bloat of every table on {target.Server}.");
            _estimates[$"{target.Server}|{target.Username}"] = all = service.Estimate(CancellationToken);
        }

        var selected = Select(all, $"database {target.Database ?? "(default)"} on {target.Server}");
        if (Method != PgBloatMethod.Estimate)
            selected = MeasureAll(service, selected);
        WriteWorstFirst(selected);
    }

    /// <summary>
    /// A registered server from its latest snapshot in the repository, not read live: a snapshot runs the same catalog
    /// estimate through the same pg_monitor login (pg_stats shows that login only the columns it may SELECT, so a live
    /// read would be no better), and the stored one also answers for a server that is down, costs the server nothing,
    /// and agrees with Get-PgTableBloatTrend. Approx and Exact need pgstattuple installed there: refused.
    /// </summary>
    private void ProcessRegistered(PgConnectionInfo repository, PgMonitoredServer server)
    {
        if (Method != PgBloatMethod.Estimate)
            throw MeasureNotWithRepository();
        var stored = InstalledService<IBloatService>(repository).GetLatestStored(server, CancellationToken);
        if (stored.Count == 0)
            WriteWarning($"The repository holds no bloat snapshot of registered server '{server.Name}' yet: Invoke-PgHourlyMonitoring -Repository (or Invoke-PgBloatSnapshot -Repository) takes one.");
        WriteWorstFirst(Select(stored, $"the latest bloat snapshot of registered server '{server.Name}'"));
    }

    private void WriteWorstFirst(IEnumerable<PgTableBloat> selected)
    {
        var minBytes = (long)(MinWastedMB * 1024 * 1024);
        foreach (var row in selected.Where(r => r.BloatPercent >= MinBloatPercent && r.BloatBytes >= minBytes)
                     .OrderByDescending(r => r.BloatPercent).ThenByDescending(r => r.BloatBytes))
            WriteObject(row);
    }

    private static PgPerfException MeasureNotWithRepository() =>
        new(PgPerfErrorIds.Repository.NotWithRepository, PgPerfErrorKind.InvalidArgument,
            "-Method Approx and Exact measure with pgstattuple, which is not installed on a registered server (nothing is); with -Repository the " +
            "figures are the catalog estimate of each server's latest stored snapshot. Leave -Method out, or measure one server with -Connection.")
        { ParameterName = nameof(Method) };

    private List<PgTableBloat> Select(IReadOnlyList<PgTableBloat> all, string where)
    {
        var selected = all.Where(r => IsSelected(r.Schema, r.Table)
                                      && (IncludePgPerf || !PgPerfOwnObjects.IsOwnSchema(r.Schema) || NamedExactly(r))).ToList();

        // A name without wildcards that matches nothing is a mistake worth an error; a pattern may match nothing.
        foreach (var name in Table ?? Array.Empty<string>())
        {
            if (WildcardPattern.ContainsWildcardCharacters(name) || selected.Any(r => r.Table == name))
                continue;
            var inSchema = Schema is { Length: > 0 } ? $" in schema {string.Join(", ", Schema)}" : "";
            WriteError(ToErrorRecord(new PgPerfException(PgPerfErrorIds.Bloat.TableNotFound, PgPerfErrorKind.ObjectNotFound,
                $"No table named '{name}'{inSchema} in {where}. Names are case-sensitive; Get-PgTableBloat without -Table lists them all.",
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
