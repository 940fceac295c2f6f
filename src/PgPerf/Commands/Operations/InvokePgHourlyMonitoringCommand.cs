using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>The spec's hourly job: snapshots and the query-performance check, each step isolated, under a per-job lock.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgHourlyMonitoring", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgJobResult))]
public sealed class InvokePgHourlyMonitoringCommand : PgJobCmdlet
{
    private const string ConnectionSet = "Connection";
    private const string RepositorySet = "Repository";

    /// <summary>A central repository: runs the job's repository steps for every registered server (or those -Server names).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards); every registered server when omitted.</summary>
    [Parameter(ParameterSetName = RepositorySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    protected override PgJobKind Job => PgJobKind.Hourly;

    protected override void ProcessRecord() => RunOnTargetsOrRegistered(Repository, Server, base.ProcessRecord);

    // A registered server that cannot be reached still runs its repository steps: they fail, and raise its
    // job_failure alerts in the repository, which is what must be reached.
    private protected override PgConnectionInfo ReachedFor(PgConnectionInfo target) =>
        RepositoryRegistry is null ? target : HistorySource(target).Source;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        if (RepositoryRegistry is not { } registry)
        {
            base.ProcessTarget(target);
            return;
        }
        var server = RegisteredServer(target);
        if (!ShouldProcess($"server {server.Name} into the repository", $"Run the {Job} job's repository steps"))
            return;
        WriteVerbose($"Running the {Job} job's repository steps for {server.Name}.");
        Report(target, registry.RunHourly(server, Engine.Get<IMonitoredServerService>(target), CancellationToken));
    }
}
