using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists the server's sessions (pg_stat_activity) with what they wait for and who blocks them.</summary>
[Cmdlet(VerbsCommon.Get, "PgActivity")]
[OutputType(typeof(PgSessionActivity))]
public sealed class GetPgActivityCommand : PgLiveServerCmdlet
{
    /// <summary>Only sessions this long in their current state or their open transaction (the larger of the two).</summary>
    [Parameter]
    [ValidateRange(0, double.MaxValue)]
    public double MinDurationSeconds { get; set; }

    [Parameter]
    [ValidateSet("active", "idle", "idle in transaction", "idle in transaction (aborted)", "fastpath function call", "disabled")]
    public string[]? State { get; set; }

    /// <summary>Idle sessions are left out unless asked for (here or with -State idle).</summary>
    [Parameter]
    public SwitchParameter IncludeIdle { get; set; }

    protected override void ProcessServer(PgConnectionInfo target)
    {
        var options = new PgActivityOptions
        {
            MinDurationSeconds = MinDurationSeconds,
            // ValidateSet ignores case; pg_stat_activity's states are lower case.
            States = State?.Select(s => s.ToLowerInvariant()).ToArray(),
            IncludeIdle = IncludeIdle.IsPresent,
        };
        WriteRows(target, Engine.Get<IHealthService>(target).GetActivity(options, CancellationToken));
    }
}
