using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists every session waiting for a lock, with the session it waits for and the root of its chain.</summary>
[Cmdlet(VerbsCommon.Get, "PgBlocking")]
[OutputType(typeof(PgBlockingSession))]
public sealed class GetPgBlockingCommand : PgLiveServerCmdlet
{
    protected override void ProcessServer(PgConnectionInfo target)
    {
        WriteRows(target, Engine.Get<IHealthService>(target).GetBlocking(CancellationToken));
    }
}
