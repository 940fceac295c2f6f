using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Stores what changed in pg_stat_statements since the previous snapshot (run hourly); the first one is the baseline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PgStatementSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(PgSnapshotResult))]
public sealed class InvokePgStatementSnapshotCommand : PgPerfCmdlet
{
    private const string ConnectionSet = "Connection";
    private const string RepositorySet = "Repository";

    /// <summary>A central repository: snapshots every registered server (or those -Server names) into it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards); every registered server when omitted.</summary>
    [Parameter(ParameterSetName = RepositorySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    // A failed snapshot is an error, not the end of the script (as before many targets).
    protected override bool TargetFailureTerminates => false;

    protected override void ProcessRecord()
    {
        if (Repository is null)
            base.ProcessRecord();
        else
            RunOnRegisteredServers(Repository, Server);
    }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        if (RepositoryRegistry is { } registry)
        {
            var server = RegisteredServer(target);
            if (!ShouldProcess($"server {server.Name} into the repository", "Read pg_stat_statements there and ingest it (pgperf.ingest_statement_snapshot)"))
                return;
            Write(registry.CaptureStatements(server, Engine.Get<IMonitoredServerService>(target), CancellationToken));
            return;
        }
        var service = InstalledService<IStatementService>(target);
        if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", "SELECT pgperf.capture_statement_snapshot()"))
            return;
        Write(service.CaptureSnapshot(CancellationToken));
    }

    private void Write(PgSnapshotResult result)
    {
        WriteVerbose($"Stored {result.Count} changed statements of {result.Server} in {result.DurationMs:0} ms.");
        foreach (var note in result.Skipped)
            WriteVerbose(note);
        WriteObject(result);
    }
}
