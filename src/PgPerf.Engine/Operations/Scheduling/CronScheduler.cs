namespace PgPerf.Engine.Operations;

/// <summary>cron: a line in the user's crontab (User), or a file in /etc/cron.d (System).</summary>
internal sealed class CronScheduler : IJobScheduler
{
    private readonly IPgProcessRunner _runner;
    private readonly PgSchedulerEnvironment _env;
    private readonly PgScheduleLayout _layout;

    public CronScheduler(IPgProcessRunner runner, PgSchedulerEnvironment environment, PgScheduleLayout layout)
    {
        _runner = runner;
        _env = environment;
        _layout = layout;
    }

    public PgSchedulerKind Kind => PgSchedulerKind.Cron;

    public bool BelongsHere => !_env.IsWindows;

    public void Register(PgJobEntry entry, PgScheduledTask task)
    {
        if (entry.Scope == PgTaskScope.User)
        {
            WriteCrontab(PgCrontab.Upsert(ReadCrontab(), entry.Job, PgScheduleRenderer.CronLine(entry)));
            return;
        }
        Directory.CreateDirectory(_layout.CronDirectory);
        SchedulerMachine.WriteFile(task.Location, task.Content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public IEnumerable<PgScheduledTask> Find(IReadOnlyCollection<PgJobKind> jobs, IReadOnlyCollection<PgTaskScope> scopes)
    {
        if (scopes.Contains(PgTaskScope.User) && _env.Which("crontab") is not null)
        {
            foreach (var (lineJob, line) in PgCrontab.Find(ReadCrontab()).Where(x => jobs.Contains(x.Job)))
                yield return FromCronLine(lineJob, line, PgTaskScope.User, _layout.CronLocation(lineJob, PgTaskScope.User));
        }
        if (scopes.Contains(PgTaskScope.System))
        {
            foreach (var fileJob in jobs)
            {
                var path = _layout.CronLocation(fileJob, PgTaskScope.System);
                if (!File.Exists(path)) continue;
                foreach (var (lineJob, line) in PgCrontab.Find(File.ReadAllText(path)).Where(x => x.Job == fileJob))
                    yield return FromCronLine(lineJob, line, PgTaskScope.System, path);
            }
        }
    }

    public void Unregister(PgScheduledTask task)
    {
        if (task.Scope == PgTaskScope.User)
            WriteCrontab(PgCrontab.Remove(ReadCrontab(), task.Job));
        else
            File.Delete(_layout.CronLocation(task.Job, PgTaskScope.System));
    }

    private static PgScheduledTask FromCronLine(PgJobKind job, string line, PgTaskScope scope, string location) => new()
    {
        Job = job, Scheduler = PgSchedulerKind.Cron, Scope = scope, Location = location,
        Schedule = PgCrontab.ScheduleOf(line), Command = PgCrontab.CommandOf(line, scope == PgTaskScope.System), Content = line,
    };

    private string ReadCrontab()
    {
        var (exit, output, error) = _runner.Run("crontab", new[] { "-l" });
        if (exit == 0) return output;
        if (error.Contains("no crontab", StringComparison.OrdinalIgnoreCase)) return "";
        throw SchedulerMachine.Failed("crontab -l", error);
    }

    private void WriteCrontab(string text) => SchedulerMachine.Check(_runner.Run("crontab", new[] { "-" }, text), "crontab -");
}
