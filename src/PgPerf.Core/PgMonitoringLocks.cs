namespace PgPerf;

/// <summary>
/// How long monitoring waits for a lock on what it watches. A snapshot that queued behind an ACCESS EXCLUSIVE lock
/// (an ALTER TABLE waiting for a long transaction) would hang the hourly job and add itself to the queue, so the
/// bloat snapshot waits this long at most, then skips the table with a note. (The index snapshot takes no lock on
/// what it watches: it reads pg_class and the statistics.)
/// </summary>
public static class PgMonitoringLocks
{
    /// <summary>The lock_timeout of the bloat snapshot's capture and of its pgstattuple confirmations, in milliseconds.</summary>
    public const int SnapshotLockTimeoutMs = 200;
}
