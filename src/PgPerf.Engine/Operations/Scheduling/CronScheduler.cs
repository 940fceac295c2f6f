namespace PgPerf.Engine.Operations;

/// <summary>cron: a line in the user's crontab (User), or a file in /etc/cron.d (System).</summary>
internal sealed class CronScheduler(IPgProcessRunner runner, PgSchedulerEnvironment environment, PgScheduleLayout layout) : IJobScheduler
{
    public PgSchedulerKind Kind => PgSchedulerKind.Cron;

    public bool BelongsHere => !environment.IsWindows;

    public void Register(PgJobEntry entry, PgScheduledTask task)
    {
        if (entry.Scope == PgTaskScope.User)
        {
            WriteCrontab(PgCrontab.Upsert(ReadCrontab(), entry.Job, PgScheduleRenderer.CronLine(entry)));
            return;
        }
        Directory.CreateDirectory(layout.CronDirectory);
        SchedulerMachine.WriteFile(task.Location, task.Content, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public IEnumerable<PgScheduledTask> Find(IReadOnlyCollection<PgJobKind> jobs, IReadOnlyCollection<PgTaskScope> scopes)
    {
        if (scopes.Contains(PgTaskScope.User) && environment.Which("crontab") is not null)
        {
            foreach (var (lineJob, line) in PgCrontab.Find(ReadCrontab()).Where(x => jobs.Contains(x.Job)))
                yield return FromCronLine(lineJob, line, PgTaskScope.User, layout.CronLocation(lineJob, PgTaskScope.User));
        }
        if (scopes.Contains(PgTaskScope.System))
        {
            foreach (var fileJob in jobs)
            {
                var path = layout.CronLocation(fileJob, PgTaskScope.System);
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
            File.Delete(layout.CronLocation(task.Job, PgTaskScope.System));
    }

    private static PgScheduledTask FromCronLine(PgJobKind job, string line, PgTaskScope scope, string location) => new()
    {
        Job = job, Scheduler = PgSchedulerKind.Cron, Scope = scope, Location = location,
        Schedule = PgCrontab.ScheduleOf(line), Command = PgCrontab.CommandOf(line, scope == PgTaskScope.System), Content = line,
    };

    private string ReadCrontab()
    {
        var (exit, output, error) = runner.Run("crontab", new[] { "-l" });
        if (exit == 0) return output;
        if (error.Contains("no crontab", StringComparison.OrdinalIgnoreCase)) return "";
        throw SchedulerMachine.Failed("crontab -l", error);
    }

    private void WriteCrontab(string text) => SchedulerMachine.Check(runner.Run("crontab", new[] { "-" }, text), "crontab -");
}
