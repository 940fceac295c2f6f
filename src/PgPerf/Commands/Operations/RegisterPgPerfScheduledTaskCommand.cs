using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Schedules the hourly or daily job in cron, systemd or Windows Task Scheduler. The entry runs a real pwsh
/// with -NoProfile -NonInteractive, imports this module by path and exits 1 when a step fails. It never holds
/// a password: a password goes into an owner-only (0600) pgpass file that the entry's connection names.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "PgPerfScheduledTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PgScheduledTask))]
public sealed partial class RegisterPgPerfScheduledTaskCommand : PgPerfCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public PgJobKind Job { get; set; }

    [Parameter]
    public PgSchedulerKind Scheduler { get; set; } = PgSchedulerKind.Auto;

    /// <summary>Daily job only: the local time of day, HH:mm (default 02:00).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? At { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PwshPath { get; set; }

    [Parameter]
    public PgTaskScope Scope { get; set; } = PgTaskScope.User;

    /// <summary>The pgpass file the job reads its password from (written 0600 when the connection has a password).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConnectionFile { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var at = new TimeOnly(2, 0);
            if (At is not null)
            {
                if (Job == PgJobKind.Hourly)
                    throw new PgPerfException(PgPerfErrorIds.Schedule.AtNotForHourly, PgPerfErrorKind.InvalidArgument,
                        "-At sets the time of the daily job; the hourly job always runs at minute 0 of every hour. Leave out -At, or use -Job Daily.")
                    { ParameterName = nameof(At) };
                at = PgScheduleRenderer.ParseAt(At);
            }

            // Bad input first, then what the machine lacks.
            var pwsh = PgPwshLocator.Resolve(PwshPath is null ? null : GetUnresolvedProviderPathFromPSPath(PwshPath), Environment.ProcessPath,
                Environment.GetEnvironmentVariable("PATH"), OperatingSystem.IsWindows(), File.Exists);
            var target = ResolveJobTarget();
            var manager = EngineBridge.Engine.ScheduledTasks();
            PgSchedulerKind scheduler;
            try
            {
                scheduler = manager.ResolveScheduler(Scheduler);
            }
            catch (PgPerfException ex) when (ex.ErrorId == PgPerfErrorIds.Schedule.SchedulerUnavailable && IsWhatIf() && manager.PreviewScheduler(Scheduler) is { } preview)
            {
                // -WhatIf only shows the entry, and rendering needs no scheduler: show it, and say what registering needs.
                scheduler = preview;
                WriteWarning($"{ex.Message} -WhatIf shows the {scheduler} entry anyway; registering it needs that scheduler.");
            }
            var connectionFile = ConnectionFile is null ? null : GetUnresolvedProviderPathFromPSPath(ConnectionFile);
            var (connectionString, passFile, writesPassword) = manager.PlanConnection(target, connectionFile, Scope);
            var entry = new PgJobEntry
            {
                Job = Job, Scope = Scope, PwshPath = pwsh, ModulePath = ModuleManifestPath(), ConnectionString = connectionString,
                DailyAt = at, RunAsUser = Environment.UserName, Repository = Repository is not null,
            };
            var task = manager.Render(entry, scheduler, passFile);

            var description = $"Register the PgPerf {Job.ToString().ToLowerInvariant()} job{ForWhom()} with {scheduler} ({task.Location}):\n{task.Content.TrimEnd()}" +
                (writesPassword ? $"\nand write the password of {target} to {passFile} (owner-only, mode 0600)." : "");
            if (!ShouldProcess(description, $"Register the PgPerf {Job} job with {scheduler} at {task.Location}?", "Register-PgPerfScheduledTask"))
                return;

            if (writesPassword)
            {
                // Recorded as this job's, so Unregister-PgPerfScheduledTask removes it with the last job that uses it.
                manager.WritePassword(target, passFile!, PgPassClaims.Of(Job, scheduler, Scope));
                WriteVerbose($"Wrote the password for {target} to {passFile} (mode 0600).");
            }
            else
            {
                // A password this job used before (registered with another connection) is let go.
                manager.ReleasePassword(task);
                if (passFile is null)
                    WriteVerbose("The connection has no password: the job uses the pgpass file of the account that runs it (~/.pgpass), or the server's trust/peer rules.");
            }

            task = manager.Register(entry, scheduler, passFile);
            WarnAboutRuntime(manager, scheduler, entry.ModulePath, pwsh);
            WriteObject(task);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            ThrowTerminating(new PgPerfException(PgPerfErrorIds.Schedule.Failed, PgPerfErrorKind.PermissionDenied,
                $"Could not write the scheduled entry: {ex.Message}" + (Scope == PgTaskScope.System ? " -Scope System needs root (sudo) or an administrator." : ""), Job, ex));
        }
    }

    private bool IsWhatIf() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true } || whatIf is true
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>The installed module's manifest, so the entry imports this exact module by path.</summary>
    private string ModuleManifestPath()
    {
        var folder = MyInvocation.MyCommand.Module?.ModuleBase ?? Path.GetDirectoryName(typeof(RegisterPgPerfScheduledTaskCommand).Assembly.Location)!;
        var manifest = Path.Combine(folder, "PgPerf.psd1");
        return File.Exists(manifest) ? manifest : Path.Combine(folder, "PgPerf.dll");
    }

    private void WarnAboutRuntime(IScheduledTaskService manager, PgSchedulerKind scheduler, string modulePath, string pwsh)
    {
        if (pwsh.Replace('\\', '/').Contains("/.nuget/packages/", StringComparison.OrdinalIgnoreCase))
            WriteWarning($"The entry runs {pwsh}, the pwsh of a dotnet tool in the NuGet cache; clearing the cache breaks it. Install PowerShell and register again with -PwshPath for a stable path.");
        if (scheduler == PgSchedulerKind.Cron && !manager.CronDaemonRunning)
            WriteWarning("The cron daemon is not running, so the entry will not run until it starts (Debian/Ubuntu: service cron start; RHEL: systemctl start crond).");
        var modulePaths = (Environment.GetEnvironmentVariable("PSModulePath") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (!modulePaths.Any(p => modulePath.StartsWith(Path.GetFullPath(p), StringComparison.OrdinalIgnoreCase)))
            WriteWarning($"The entry imports PgPerf from {modulePath}, which is not in a PSModulePath folder; if that folder moves or is rebuilt, register again.");
    }
}
