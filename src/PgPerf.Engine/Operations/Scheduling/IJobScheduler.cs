namespace PgPerf.Engine.Operations;

/// <summary>One scheduler (cron, systemd, Windows Task Scheduler): puts a rendered entry on the machine, finds and removes it.</summary>
internal interface IJobScheduler
{
    PgSchedulerKind Kind { get; }

    /// <summary>True when this scheduler can exist on this OS at all (listing skips it otherwise).</summary>
    bool BelongsHere { get; }

    /// <summary>Registers (or replaces) the entry <paramref name="task"/> was rendered from.</summary>
    void Register(PgJobEntry entry, PgScheduledTask task);

    /// <summary>The PgPerf entries registered here for these jobs and scopes.</summary>
    IEnumerable<PgScheduledTask> Find(IReadOnlyCollection<PgJobKind> jobs, IReadOnlyCollection<PgTaskScope> scopes);

    /// <summary>Removes one registered entry; other entries are kept.</summary>
    void Unregister(PgScheduledTask task);
}
