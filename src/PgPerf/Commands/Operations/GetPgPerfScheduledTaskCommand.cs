using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Lists the PgPerf jobs registered in cron, systemd or Windows Task Scheduler on this machine.</summary>
[Cmdlet(VerbsCommon.Get, "PgPerfScheduledTask")]
[OutputType(typeof(PgScheduledTask))]
public sealed class GetPgPerfScheduledTaskCommand : PgPerfCmdletBase
{
    [Parameter(Position = 0)]
    public PgJobKind[]? Job { get; set; }

    /// <summary>Auto looks in every scheduler available here.</summary>
    [Parameter]
    public PgSchedulerKind Scheduler { get; set; } = PgSchedulerKind.Auto;

    [Parameter]
    public PgTaskScope? Scope { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var manager = EngineBridge.Engine.ScheduledTasks();
            foreach (var task in manager.Get(null, Scheduler, Scope))
            {
                if (Job is null || Job.Contains(task.Job))
                    WriteObject(task);
            }
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
    }
}
