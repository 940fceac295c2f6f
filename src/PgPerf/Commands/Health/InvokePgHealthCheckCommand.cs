using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace PgPerf.Commands;

/// <summary>
/// Runs the health checks of PgHealthChecks.All: one row per check with its Status, worst value and target.
/// Each check's thresholds are parameters of this cmdlet, taken from the check list (so a new check brings its
/// own). -FailOnCritical ends with a terminating error when a check is Critical or could not run, so a
/// scheduled `pwsh -Command` exits with 1.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgHealthCheck", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PgHealthCheckResult))]
public sealed class InvokePgHealthCheckCommand : PgLiveServerCmdlet, IDynamicParameters
{
    private const int ProgressId = 1515;
    private RuntimeDefinedParameterDictionary? _thresholds;

    /// <summary>The checks to run (all by default).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PgHealthCheckNameCompleter))]
    public string[]? Check { get; set; }

    /// <summary>End with a terminating error (PgPerf.Health.Critical) when any check is Critical or fails.</summary>
    [Parameter]
    public SwitchParameter FailOnCritical { get; set; }

    /// <summary>With -Repository: the results stored there since this time, instead of running the checks now.</summary>
    [Parameter]
    public DateTimeOffset? Since { get; set; }

    // -Since reads the repository only: a registered server that is down still has its history there.
    private protected override bool ReadsHistory => Since is not null;

    /// <summary>One double parameter per threshold of every check, with the check list's range.</summary>
    public object GetDynamicParameters()
    {
        if (_thresholds is not null)
            return _thresholds;
        _thresholds = new RuntimeDefinedParameterDictionary();
        foreach (var threshold in PgHealthChecks.All.SelectMany(c => c.Thresholds))
        {
            if (_thresholds.ContainsKey(threshold.Parameter))
                continue;
            var attributes = new Collection<Attribute>
            {
                new ParameterAttribute(),
                new ValidateRangeAttribute(threshold.Minimum, threshold.Maximum),
            };
            _thresholds.Add(threshold.Parameter, new RuntimeDefinedParameter(threshold.Parameter, typeof(double), attributes));
        }
        return _thresholds;
    }

    private List<PgHealthCheckDefinition> _checks = new();

    protected override void ProcessRecord()
    {
        RequireRepositoryForHistory(Since);
        try
        {
            _checks = SelectChecks();
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }
        base.ProcessRecord();
    }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        if (Since is { } since)
        {
            ReadStored(target, since);
            return;
        }
        var checks = _checks;
        var thresholds = (_thresholds ?? new RuntimeDefinedParameterDictionary()).Values
            .Where(p => p.IsSet)
            .ToDictionary(p => p.Name, p => Convert.ToDouble(p.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
        var service = Engine.Get<IHealthCheckService>(target);
        var failing = new List<string>();
        var results = new List<PgHealthCheckResult>();
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            WriteProgress(new ProgressRecord(ProgressId, "Invoke-PgHealthCheck", $"{check.Name} on {NameOf(target)}")
            {
                PercentComplete = i * 100 / checks.Count,
            });
            var ok = TryInvoke(() =>
            {
                var result = service.Run(check, thresholds, CancellationToken);
                if (result.Status == PgHealthStatus.Critical)
                    failing.Add($"{check.Name} is Critical ({result.Detail})");
                results.Add(result);
                WriteObject(Named(target, result));
            });
            if (!ok)
                failing.Add($"{check.Name} could not run");
        }
        WriteProgress(new ProgressRecord(ProgressId, "Invoke-PgHealthCheck", "done") { RecordType = ProgressRecordType.Completed });
        if (RepositoryRegistry is not null)
            Store(target, results);

        // One target: a terminating error, as before. Many: this target's error, and the others go on.
        if (FailOnCritical && failing.Count > 0)
            throw new PgPerfException(PgPerfErrorIds.Health.Critical, PgPerfErrorKind.InvalidOperation,
                $"Health check on {NameOf(target)} failed: {string.Join("; ", failing)}.", NameOf(target));
    }

    // With -Repository the results are also the server's history there (migration 030): one run per call.
    private void Store(PgConnectionInfo target, List<PgHealthCheckResult> results)
    {
        var (history, server) = HealthHistory(target);
        if (results.Count == 0 || !ShouldProcess($"server {server.Name} into the repository", $"Store {results.Count} health check results"))
            return;
        var stored = history.StoreHealthChecks(server, results, CancellationToken);
        WriteVerbose($"Stored {stored.Count} health check results of {server.Name} in the repository at {stored.CapturedAt:u}.");
    }

    private void ReadStored(PgConnectionInfo target, DateTimeOffset since)
    {
        var (history, server) = HealthHistory(target);
        var wanted = _checks.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        WriteRows(target, history.ReadHealthChecks(server, since, CancellationToken).Where(r => wanted.Contains(r.Check)));
    }

    private List<PgHealthCheckDefinition> SelectChecks()
    {
        if (Check is null)
            return PgHealthChecks.All.ToList();
        var unknown = Check.Where(name => PgHealthChecks.All.All(c => !string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new PgPerfException(PgPerfErrorIds.Health.UnknownCheck, PgPerfErrorKind.InvalidArgument,
                $"No health check named {string.Join(", ", unknown)}. The checks are: {string.Join(", ", PgHealthChecks.All.Select(c => c.Name))}.", unknown[0])
            { ParameterName = "Check" };
        return PgHealthChecks.All.Where(c => Check.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }
}

/// <summary>Completes -Check of Invoke-PgHealthCheck with the names in the check list.</summary>
public sealed class PgHealthCheckNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        PgHealthChecks.All.Select(c => c.Name)
            .Where(name => name.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(name => new CompletionResult(name));
}
