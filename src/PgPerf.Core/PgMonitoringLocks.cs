namespace PgPerf;

/// <summary>
/// How long monitoring waits for a lock on what it watches. A snapshot that queued behind an ACCESS EXCLUSIVE lock
/// (an ALTER TABLE waiting for a long transaction) would hang the hourly job and add itself to the queue, so the
/// snapshot steps wait this long at most, then skip the relation with a note.
/// </summary>
public static class PgMonitoringLocks
{
    /// <summary>The lock_timeout of the snapshot steps and of the bloat confirmations, in milliseconds.</summary>
    public const int SnapshotLockTimeoutMs = 200;
}
