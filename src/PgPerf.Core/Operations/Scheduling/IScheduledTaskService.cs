namespace PgPerf;

/// <summary>
/// Registers, lists and removes PgPerf's scheduled jobs on this machine (Register-, Get-, Unregister-PgPerfScheduledTask).
/// Implemented in the Engine, which runs crontab, systemctl and schtasks and writes the files; Core only describes it.
/// </summary>
public interface IScheduledTaskService
{
    /// <summary>The scheduler to use; throws PgPerf.Schedule.SchedulerUnavailable naming what is missing and the alternative.</summary>
    PgSchedulerKind ResolveScheduler(PgSchedulerKind requested);

    /// <summary>The scheduler whose entry -WhatIf shows when the requested one is missing here; null when this OS never has it.</summary>
    PgSchedulerKind? PreviewScheduler(PgSchedulerKind requested);

    /// <summary>The entry's connection string (never with a password), the pgpass file it names and whether a password is written there.</summary>
    (string ConnectionString, string? PassFile, bool WritesPassword) PlanConnection(PgConnectionInfo target, string? connectionFile, PgTaskScope scope);

    /// <summary>The entry as it would be registered; touches nothing.</summary>
    PgScheduledTask Render(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile);

    /// <summary>Adds or replaces the target's line in an owner-only (0600) pgpass file, recorded for <paramref name="claim"/>.</summary>
    void WritePassword(PgConnectionInfo target, string passFile, string? claim = null);

    /// <summary>Lets go of the pgpass lines registration wrote for the task; returns the files a line was removed from.</summary>
    IReadOnlyList<string> ReleasePassword(PgScheduledTask task);

    /// <summary>Registers (or replaces) the job's entry and returns what is now registered.</summary>
    PgScheduledTask Register(PgJobEntry entry, PgSchedulerKind scheduler, string? connectionFile);

    /// <summary>Registered PgPerf jobs; Auto looks in every scheduler that exists here.</summary>
    IReadOnlyList<PgScheduledTask> Get(PgJobKind? job, PgSchedulerKind scheduler, PgTaskScope? scope);

    /// <summary>Removes one registered entry and the password lines only it used; returns the pgpass files a line was removed from.</summary>
    IReadOnlyList<string> Unregister(PgScheduledTask task);

    /// <summary>True when a cron daemon (cron or crond) runs here, so a cron entry will actually run.</summary>
    bool CronDaemonRunning { get; }
}
