using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Shared by the snapshot cmdlets (Invoke-PgIndexSnapshot, Invoke-PgBloatSnapshot, Invoke-PgStatementSnapshot), so
/// they behave alike: the schema is checked first (also under -WhatIf), -WhatIf/-Confirm ask once per target before
/// anything is written, and a failed target is a non-terminating error, not the end of the script. With -Repository
/// (issue 17) each snapshots the servers registered in a central repository instead; this is the one home of that
/// parameter block for the three.
/// Each one declares SupportsShouldProcess = true, ConfirmImpact = Low, DefaultParameterSetName = ConnectionSet on
/// its [Cmdlet] attribute.
/// </summary>
public abstract class PgSnapshotCmdlet : PgPerfCmdlet
{
    protected const string ConnectionSet = "Connection";
    protected const string RepositorySet = "Repository";

    protected sealed override bool TargetFailureTerminates => false;

    /// <summary>A central repository: snapshots every registered server (or those -Server names) into it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RepositorySet)]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>Registered names (wildcards); every registered server when omitted.</summary>
    [Parameter(ParameterSetName = RepositorySet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Server { get; set; }

    /// <summary>What is run on the server, shown by -WhatIf (for example "SELECT pgperf.capture_index_usage_snapshot()").</summary>
    protected abstract string Action { get; }

    /// <summary>Takes the snapshot on one target; the schema is installed and the user agreed.</summary>
    protected abstract PgSnapshotResult Capture(PgConnectionInfo target);

    /// <summary>What the Count of the result counts, for the verbose line (for example "index rows").</summary>
    protected abstract string Counted { get; }

    /// <summary>The verbose line for one entry of the result's Skipped.</summary>
    protected virtual string SkippedNote(string skipped) => skipped;

    /// <summary>
    /// Snapshots one registered server into the central repository (a run with -Repository): reads it through
    /// <paramref name="monitored"/>, the server's own connection, and writes through the registry.
    /// </summary>
    private protected abstract PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo monitored);

    /// <summary>What a run with -Repository does on each server, shown by -WhatIf.</summary>
    private protected abstract string RepositoryAction { get; }

    protected override void ProcessRecord() => RunOnTargetsOrRegistered(Repository, Server, base.ProcessRecord);

    protected sealed override void ProcessTarget(PgConnectionInfo target)
    {
        PgSnapshotResult result;
        if (RepositoryRegistry is { } registry)
        {
            var server = RegisteredServer(target);
            if (!ShouldProcess($"server {server.Name} into the repository", RepositoryAction))
                return;
            result = CaptureIntoRepository(registry, server, target);
        }
        else
        {
            Engine.Get<ISchemaService>(target).EnsureInstalled(CancellationToken);
            if (!ShouldProcess($"database {target.Database ?? "(default)"} on {target.Endpoint}", Action))
                return;
            result = Capture(target);
        }
        WriteVerbose($"Stored {result.Count} {Counted} of {result.Server} in {result.DurationMs:n0} ms.");
        foreach (var skipped in result.Skipped)
            WriteVerbose(SkippedNote(skipped));
        WriteObject(result);
    }
}

