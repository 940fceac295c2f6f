using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Cancels a session's running query (pg_cancel_backend) or, with -Terminate, ends the session
/// (pg_terminate_backend). Refuses PgPerf's own sessions and non-client processes.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "PgSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PgSessionStopResult))]
public sealed class StopPgSessionCommand : PgPerfCmdlet
{
    /// <summary>The backend pid; binds Pid from Get-PgActivity and the blocker (BlockingPid) from Get-PgBlocking.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int[] Pid { get; set; } = Array.Empty<int>();

    /// <summary>End the session (rolling back its transaction) instead of cancelling its query.</summary>
    [Parameter]
    public SwitchParameter Terminate { get; set; }

    // Get-PgBlocking names the same blocker on every row it blocks: signal it once per pipeline.
    private readonly HashSet<(string, int)> _done = new();

    // A pid names a session of one server: the same -Pid on several servers would stop unrelated sessions.
    // Rows piped from Get-PgActivity or Get-PgBlocking of many servers still work, each on its own Connection.
    protected override bool SingleTarget => true;

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var service = Engine.Get<IHealthService>(target);

        var function = Terminate ? "pg_terminate_backend" : "pg_cancel_backend";
        foreach (var pid in Pid)
        {
            if (!_done.Add((target.Server, pid)))
            {
                WriteVerbose($"Session {pid} on {target.Server} was already handled in this pipeline.");
                continue;
            }
            TryInvoke(() =>
            {
                var session = service.FindSession(pid, CancellationToken);
                var query = (session.Query ?? "").ReplaceLineEndings(" ");
                if (query.Length > 80) query = query[..77] + "...";
                var what = $"session {pid} ({session.User}@{session.Database}, {session.State}: {query}) on {session.Server}";
                if (!ShouldProcess(what, $"SELECT {function}({pid})"))
                    return;
                var result = service.StopSession(pid, Terminate, CancellationToken);
                if (!result.Signalled)
                    WriteWarning($"Session {pid} on {result.Server} was not signalled: it ended before the {result.Action.ToLowerInvariant()} arrived.");
                WriteObject(result);
            });
        }
    }
}
