namespace PgPerf.Engine.Operations;

/// <summary>systemd: a .service and a .timer unit in the user's (User) or the system's (System) unit folder.</summary>
internal sealed class SystemdScheduler(IPgProcessRunner runner, PgSchedulerEnvironment environment, PgScheduleLayout layout) : IJobScheduler
{
    public PgSchedulerKind Kind => PgSchedulerKind.Systemd;

    public bool BelongsHere => !environment.IsWindows;

    public void Register(PgJobEntry entry, PgScheduledTask task)
    {
        var dir = layout.UnitDirectory(entry.Scope);
        var unit = PgScheduleRenderer.SystemdUnitName(entry.Job);
        Directory.CreateDirectory(dir);
        SchedulerMachine.WriteFile(Path.Combine(dir, unit + ".service"), PgScheduleRenderer.SystemdService(entry), null);
        SchedulerMachine.WriteFile(Path.Combine(dir, unit + ".timer"), PgScheduleRenderer.SystemdTimer(entry), null);
        Systemctl(entry.Scope, "daemon-reload");
        Systemctl(entry.Scope, "enable", "--now", unit + ".timer");
    }

    public IEnumerable<PgScheduledTask> Find(IReadOnlyCollection<PgJobKind> jobs, IReadOnlyCollection<PgTaskScope> scopes)
    {
        foreach (var unitScope in scopes)
        foreach (var unitJob in jobs)
        {
            var dir = layout.UnitDirectory(unitScope);
            var unit = PgScheduleRenderer.SystemdUnitName(unitJob);
            var timer = Path.Combine(dir, unit + ".timer");
            var service = Path.Combine(dir, unit + ".service");
            if (!File.Exists(timer) || !File.Exists(service)) continue;
            var timerText = File.ReadAllText(timer);
            var serviceText = File.ReadAllText(service);
            yield return new PgScheduledTask
            {
                Job = unitJob, Scheduler = PgSchedulerKind.Systemd, Scope = unitScope, Location = timer,
                Schedule = ValueOf(timerText, "OnCalendar="), Command = ValueOf(serviceText, "ExecStart="),
                Content = $"# {service}\n{serviceText}\n# {timer}\n{timerText}",
            };
        }
    }

    public void Unregister(PgScheduledTask task)
    {
        var dir = layout.UnitDirectory(task.Scope);
        var unit = PgScheduleRenderer.SystemdUnitName(task.Job);
        if (environment.SystemdRunning)
            runner.Run("systemctl", SystemctlArgs(task.Scope, "disable", "--now", unit + ".timer"));
        File.Delete(Path.Combine(dir, unit + ".timer"));
        File.Delete(Path.Combine(dir, unit + ".service"));
        if (environment.SystemdRunning)
            Systemctl(task.Scope, "daemon-reload");
    }

    private void Systemctl(PgTaskScope scope, params string[] args) =>
        SchedulerMachine.Check(runner.Run("systemctl", SystemctlArgs(scope, args)), "systemctl " + string.Join(' ', args));

    private static string[] SystemctlArgs(PgTaskScope scope, params string[] args) => scope == PgTaskScope.User ? new[] { "--user" }.Concat(args).ToArray() : args;

    private static string ValueOf(string unitText, string prefix) =>
        unitText.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..] ?? "";
}
