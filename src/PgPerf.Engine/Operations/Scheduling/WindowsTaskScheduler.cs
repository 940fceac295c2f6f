using System.Text;
using System.Xml.Linq;

namespace PgPerf.Engine.Operations;

/// <summary>Windows Task Scheduler: a task under \PgPerf\, created from its XML with schtasks.</summary>
internal sealed class WindowsTaskScheduler(IPgProcessRunner runner, PgSchedulerEnvironment environment) : IJobScheduler
{
    public PgSchedulerKind Kind => PgSchedulerKind.TaskScheduler;

    public bool BelongsHere => environment.IsWindows;

    public void Register(PgJobEntry entry, PgScheduledTask task)
    {
        var xmlPath = Path.Combine(Path.GetTempPath(), $"pgperf-task-{Guid.NewGuid():N}.xml");
        try
        {
            File.WriteAllText(xmlPath, task.Content, Encoding.Unicode);
            SchedulerMachine.Check(runner.Run("schtasks", PgScheduleRenderer.SchtasksCreateArguments(entry.Job, xmlPath)), "schtasks /Create");
        }
        finally
        {
            File.Delete(xmlPath);
        }
    }

    public IEnumerable<PgScheduledTask> Find(IReadOnlyCollection<PgJobKind> jobs, IReadOnlyCollection<PgTaskScope> scopes)
    {
        foreach (var taskJob in jobs)
        {
            var (exit, output, _) = runner.Run("schtasks", PgScheduleRenderer.SchtasksQueryArguments(taskJob));
            if (exit != 0) continue;
            var xml = XDocument.Parse(output);
            XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
            var system = xml.Descendants(ns + "UserId").Any(u => u.Value is "S-1-5-18" or "SYSTEM");
            var taskScope = system ? PgTaskScope.System : PgTaskScope.User;
            if (!scopes.Contains(taskScope)) continue;
            yield return new PgScheduledTask
            {
                Job = taskJob, Scheduler = PgSchedulerKind.TaskScheduler, Scope = taskScope,
                Location = PgScheduleRenderer.TaskName(taskJob),
                Schedule = xml.Descendants(ns + "Interval").Any() ? "every hour at minute 0" : "daily at " + (xml.Descendants(ns + "StartBoundary").FirstOrDefault()?.Value is { Length: >= 16 } b ? b[11..16] : "?"),
                Command = $"\"{xml.Descendants(ns + "Command").FirstOrDefault()?.Value}\" {xml.Descendants(ns + "Arguments").FirstOrDefault()?.Value}",
                Content = output,
            };
        }
    }

    public void Unregister(PgScheduledTask task) =>
        SchedulerMachine.Check(runner.Run("schtasks", PgScheduleRenderer.SchtasksDeleteArguments(task.Job)), "schtasks /Delete");
}
