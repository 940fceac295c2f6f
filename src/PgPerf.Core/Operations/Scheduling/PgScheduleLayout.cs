namespace PgPerf;

/// <summary>
/// What the machine offers for scheduling, as values: the Engine reads the real machine
/// (PgPerf.Engine.Operations.SchedulerMachine), tests pass their own.
/// </summary>
public sealed record PgSchedulerEnvironment
{
    public bool IsWindows { get; init; }

    /// <summary>Finds a program on PATH; null when missing.</summary>
    public Func<string, string?> Which { get; init; } = _ => null;

    /// <summary>True when systemd is PID 1 (sd_booted: /run/systemd/system exists).</summary>
    public bool SystemdRunning { get; init; }

    public string UserName { get; init; } = "";
    public string HomeDirectory { get; init; } = "";
    public string? XdgConfigHome { get; init; }

    /// <summary>$XDG_CONFIG_HOME, or ~/.config when it is not set.</summary>
    public string UserConfigHome => string.IsNullOrEmpty(XdgConfigHome) ? Path.Combine(HomeDirectory, ".config") : XdgConfigHome;
}

/// <summary>
/// Where each scheduler keeps PgPerf's entries, and the entry as registration writes it. Pure: paths and text
/// from the environment's values; the Engine's schedulers put it on the machine.
/// </summary>
public sealed class PgScheduleLayout
{
    private const string SystemUnitDirectory = "/etc/systemd/system";
    private const string SystemCronDirectory = "/etc/cron.d";

    private readonly PgSchedulerEnvironment _env;
    private readonly string? _systemRoot;

    /// <param name="systemRoot">Replaces /etc for the System scope (tests only).</param>
    public PgScheduleLayout(PgSchedulerEnvironment environment, string? systemRoot = null)
    {
        _env = environment;
        _systemRoot = systemRoot;
    }

    public string CronDirectory => _systemRoot is null ? SystemCronDirectory : Path.Combine(_systemRoot, "cron.d");

    public string CronLocation(PgJobKind job, PgTaskScope scope) =>
        scope == PgTaskScope.System ? Path.Combine(CronDirectory, PgScheduleRenderer.SystemdUnitName(job)) : $"crontab of user {_env.UserName}";

    public string UnitDirectory(PgTaskScope scope) => scope == PgTaskScope.System
        ? (_systemRoot is null ? SystemUnitDirectory : Path.Combine(_systemRoot, "systemd", "system"))
        : Path.Combine(_env.UserConfigHome, "systemd", "user");

    /// <summary>The entry as it would be registered; touches nothing.</summary>
    public PgScheduledTask Render(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile)
    {
        var task = new PgScheduledTask { Job = entry.Job, Scheduler = scheduler, Scope = entry.Scope, ConnectionFile = connectionFile };
        switch (scheduler)
        {
            case PgSchedulerKind.Cron:
                task.Schedule = PgScheduleRenderer.CronSchedule(entry);
                task.Command = PgScheduleRenderer.ShellCommand(entry);
                task.Location = CronLocation(entry.Job, entry.Scope);
                task.Content = entry.Scope == PgTaskScope.System ? PgScheduleRenderer.CronFile(entry) : PgScheduleRenderer.CronLine(entry);
                break;
            case PgSchedulerKind.Systemd:
                var unit = PgScheduleRenderer.SystemdUnitName(entry.Job);
                task.Schedule = PgScheduleRenderer.SystemdCalendar(entry);
                task.Command = PgScheduleRenderer.ShellCommand(entry);
                task.Location = Path.Combine(UnitDirectory(entry.Scope), unit + ".timer");
                task.Content = $"# {Path.Combine(UnitDirectory(entry.Scope), unit + ".service")}\n{PgScheduleRenderer.SystemdService(entry)}\n" +
                    $"# {task.Location}\n{PgScheduleRenderer.SystemdTimer(entry)}";
                break;
            case PgSchedulerKind.TaskScheduler:
                task.Schedule = PgScheduleRenderer.TaskSchedule(entry);
                task.Command = $"\"{entry.PwshPath}\" {PgScheduleRenderer.WindowsArguments(entry)}";
                task.Location = PgScheduleRenderer.TaskName(entry.Job);
                task.Content = PgScheduleRenderer.TaskXml(entry);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheduler), "Resolve the scheduler first.");
        }
        return task;
    }
}
