using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>Removes PgPerf's scheduled jobs (pipeline from Get-PgPerfScheduledTask); other entries are kept.</summary>
[Cmdlet(VerbsLifecycle.Unregister, "PgPerfScheduledTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class UnregisterPgPerfScheduledTaskCommand : PgPerfCmdletBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public PgJobKind Job { get; set; }

    /// <summary>Auto removes the job from whichever scheduler has it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PgSchedulerKind Scheduler { get; set; } = PgSchedulerKind.Auto;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public PgTaskScope? Scope { get; set; }

    protected override void ProcessRecord()
    {
        var manager = EngineBridge.Engine.ScheduledTasks();
        IReadOnlyList<PgScheduledTask> found;
        try
        {
            found = manager.Get(Job, Scheduler, Scope);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }

        if (found.Count == 0)
        {
            WriteError(ToErrorRecord(new PgPerfException(PgPerfErrorIds.Schedule.NotFound, PgPerfErrorKind.ObjectNotFound,
                $"No PgPerf {Job.ToString().ToLowerInvariant()} job is registered" + (Scheduler == PgSchedulerKind.Auto ? "" : $" with {Scheduler}") +
                ". Get-PgPerfScheduledTask lists what is registered.", Job)));
            return;
        }

        foreach (var task in found)
        {
            if (!ShouldProcess($"{task.Location}", $"Remove the PgPerf {task.Job} job ({task.Scheduler}, {task.Scope})"))
                continue;
            try
            {
                var passFiles = manager.Unregister(task);
                WriteVerbose($"Removed the PgPerf {task.Job} job from {task.Location}.");
                foreach (var file in passFiles)
                    WriteVerbose($"Removed the password line registration wrote for it from {file} (no other PgPerf job uses it).");
            }
            catch (PgPerfException ex)
            {
                WriteError(ToErrorRecord(ex));
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                WriteError(ToErrorRecord(new PgPerfException(PgPerfErrorIds.Schedule.Failed, PgPerfErrorKind.PermissionDenied,
                    $"Could not remove {task.Location}: {ex.Message}", task.Job, ex)));
            }
        }
    }
}
