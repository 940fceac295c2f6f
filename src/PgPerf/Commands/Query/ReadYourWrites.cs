using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Read-your-writes for reports: records that Measure-PgQuery (or the C# API) queued in this process for a target
/// are written before a report on that target reads, so "Measure-PgQuery ...; Get-PgSlowQuery" in one script
/// sees the record just measured. The wait is bounded; past it the report goes on and says what it may miss.
/// </summary>
internal static class ReadYourWrites
{
    /// <summary>Longest a report waits for this process's queued records of its target.</summary>
    internal static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    // PgPerfCmdletBase, not Cmdlet: its WriteWarning also works from a target's worker thread.
    public static void FlushPendingQueryLog(PgPerfCmdletBase cmdlet, IPgPerfEngine engine, PgConnectionInfo target)
    {
        // The service is per target, and so are its queues: only this target's records are waited for.
        if (!engine.Get<IQueryLogService>(target).Flush(Wait))
            cmdlet.WriteWarning(
                $"Query log records measured in this session for {target.Server} were still being written after {Wait.TotalSeconds:0} s " +
                "(the database is slow or locked); this report may not include them. They are written (or spooled) in the background; run the report again shortly.");
    }
}
