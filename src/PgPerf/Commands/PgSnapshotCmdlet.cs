using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Shared by the snapshot cmdlets (Invoke-PgIndexSnapshot, Invoke-PgBloatSnapshot, Invoke-PgStatementSnapshot), so
/// they behave alike: the schema is checked first (also under -WhatIf), -WhatIf/-Confirm ask once per target before
/// anything is written, and a failed target is a non-terminating error, not the end of the script.
/// Each one declares SupportsShouldProcess = true, ConfirmImpact = Low on its [Cmdlet] attribute.
/// </summary>
public abstract class PgSnapshotCmdlet : PgPerfCmdlet
{
    protected sealed override bool TargetFailureTerminates => false;

    /// <summary>What is run on the server, shown by -WhatIf (for example "SELECT pgperf.capture_index_usage_snapshot()").</summary>
    protected abstract string Action { get; }

    /// <summary>Takes the snapshot on one target; the schema is installed and the user agreed.</summary>
    protected abstract PgSnapshotResult Capture(PgConnectionInfo target);

    /// <summary>What the Count of the result counts, for the verbose line (for example "index rows").</summary>
    protected abstract string Counted { get; }

    /// <summary>The verbose line for one entry of the result's Skipped.</summary>
    protected virtual string SkippedNote(string skipped) => skipped;

    /// <summary>
    /// Snapshots one registered server into the central repository (a run with -Repository); only the cmdlets that
    /// offer -Repository override it, with the action -WhatIf shows.
    /// </summary>
    private protected virtual PgSnapshotResult CaptureIntoRepository(IRepositoryService registry, PgMonitoredServer server, PgConnectionInfo repository) =>
        throw new NotSupportedException($"{MyInvocation.MyCommand.Name} has no -Repository.");

    private protected virtual string RepositoryAction => "";

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
