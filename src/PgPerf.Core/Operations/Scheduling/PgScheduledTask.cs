namespace PgPerf;

/// <summary>Which scheduler runs a job; Auto picks one that works on this machine.</summary>
public enum PgSchedulerKind : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Auto,
    Cron,
    Systemd,
    TaskScheduler,
}

/// <summary>User: the current user's crontab, user units or tasks. System: /etc/cron.d, system units, SYSTEM tasks.</summary>
public enum PgTaskScope : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    User,
    System,
}

/// <summary>A registered (or, with -WhatIf, rendered) scheduled PgPerf job.</summary>
public sealed class PgScheduledTask
{
    public PgJobKind Job { get; set; }
    public PgSchedulerKind Scheduler { get; set; }
    public PgTaskScope Scope { get; set; }

    /// <summary>The schedule in the scheduler's own syntax (a cron expression, an OnCalendar value, a trigger).</summary>
    public string Schedule { get; set; } = "";

    /// <summary>The command the scheduler runs: a real pwsh with -NoProfile -NonInteractive. Never holds a password.</summary>
    public string Command { get; set; } = "";

    /// <summary>Where the entry lives: "crontab (user root)", a unit path, a /etc/cron.d file, or a task path.</summary>
    public string Location { get; set; } = "";

    /// <summary>The owner-only pgpass file the job reads its password from, when there is one.</summary>
    public string? ConnectionFile { get; set; }

    /// <summary>The rendered entry: the crontab line, the unit files, or the task XML.</summary>
    public string Content { get; set; } = "";

    public override string ToString() => $"{Job} ({Scheduler}, {Schedule})";
}
