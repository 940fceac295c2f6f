namespace PgPerf;

/// <summary>The verdicts of Get-PgUnusedIndex (strings, so they survive ConvertTo-Json and Export-Csv as text).</summary>
public static class PgIndexStatus
{
    public const string Active = "Active";
    public const string LowUsage = "LowUsage";
    public const string Unused = "Unused";
    public const string ConsiderDropping = "ConsiderDropping";
    public const string InsufficientData = "InsufficientData";

    public static readonly string[] All = { Active, LowUsage, Unused, ConsiderDropping, InsufficientData };
}

/// <summary>One index judged by Get-PgUnusedIndex.</summary>
public sealed class PgUnusedIndex : PgServerRecord
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";
    public long SizeBytes { get; init; }

    public override string ToString() => PgIdentifier.Qualify(Schema, Index);

    /// <summary>Observed days since the last scan seen (or since observation began when none was seen).</summary>
    public double DaysSinceLastScan { get; init; }

    /// <summary>Scans seen in the last MinDaysUnused days (a lower bound across resets).</summary>
    public long ScansInWindow { get; init; }

    /// <summary>Days the counters really covered; blind stretches after resets and restarts are left out.</summary>
    public double ObservedDays { get; init; }

    /// <summary>Days lost to statistics resets, crashes and restarts.</summary>
    public double BlindDays { get; init; }

    /// <summary>How many steps of the history were blind.</summary>
    public int BlindGaps { get; init; }

    /// <summary>When observation began.</summary>
    public DateTimeOffset? ObservedSince { get; init; }

    /// <summary>The latest moment a scan is known to have happened by (a snapshot time, or last_idx_scan on PostgreSQL 16+).</summary>
    public DateTimeOffset? LastScanAt { get; init; }

    /// <summary>Active, LowUsage, Unused, ConsiderDropping or InsufficientData.</summary>
    public string Status { get; init; } = "";

    public bool IsUnique { get; init; }
    public bool IsPrimary { get; init; }

    /// <summary>Backs a primary key, unique or exclusion constraint, or is the replica identity.</summary>
    public bool IsConstraint { get; init; }

    public bool IsValid { get; init; } = true;
    public string Definition { get; init; } = "";
}

/// <summary>One index on one day (UTC) for Get-PgIndexTrend.</summary>
public sealed class PgIndexTrend : PgServerRecord
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";

    /// <summary>The day (00:00 UTC).</summary>
    public DateTimeOffset Day { get; init; }

    /// <summary>Scans on that day (after a reset, the new value: a lower bound).</summary>
    public long Scans { get; init; }

    public long TuplesRead { get; init; }

    /// <summary>Size at the day's last reading.</summary>
    public long SizeBytes { get; init; }

    public int Snapshots { get; init; }

    /// <summary>Steps that day that were blind (statistics reset, crash or restart).</summary>
    public int BlindGaps { get; init; }
}

/// <summary>An index that another index on the same table makes redundant (Get-PgDuplicateIndex).</summary>
public sealed class PgDuplicateIndex : PgServerRecord
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";

    /// <summary>The redundant index, the one to drop. Never one that enforces a constraint.</summary>
    public string Index { get; init; } = "";

    /// <summary>The index that covers it and stays.</summary>
    public string CoveredBy { get; init; } = "";

    /// <summary>Exact (same structure) or LeftPrefix (its key columns lead the other index).</summary>
    public string Kind { get; init; } = "";

    public long SizeBytes { get; init; }
    public long CoveredBySizeBytes { get; init; }
    public long Scans { get; init; }
    public long CoveredByScans { get; init; }
    public bool IsUnique { get; init; }
    public bool CoveredByIsUnique { get; init; }
    public string Definition { get; init; } = "";
    public string CoveredByDefinition { get; init; } = "";
}

/// <summary>An index left invalid by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY.</summary>
public sealed class PgInvalidIndex : PgServerRecord
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";
    public long SizeBytes { get; init; }
    public bool IsUnique { get; init; }

    /// <summary>Invalid indexes are still updated on every write, so they cost without helping.</summary>
    public string Reason { get; init; } = "";

    public string Definition { get; init; } = "";
}

/// <summary>What Remove-PgIndex will run, worked out before asking for confirmation.</summary>
public sealed class PgIndexDropPlan
{
    /// <summary>Remove-PgIndex's default lock_timeout, also used for the DROP the report shows.</summary>
    public const int DefaultLockTimeoutSeconds = 5;

    public string Server { get; init; } = "";
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";
    public long SizeBytes { get; init; }

    /// <summary>The exact statements, in order: the lock_timeout and the DROP INDEX CONCURRENTLY.</summary>
    public string Sql { get; init; } = "";

    public string DropSql { get; init; } = "";
    public string RollbackDdl { get; init; } = "";
    public int LockTimeoutSeconds { get; init; }
}

/// <summary>One dropped index, with the DDL that recreates it.</summary>
public sealed class PgIndexDropResult : PgServerRecord
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Index { get; init; } = "";
    public DateTimeOffset DroppedAt { get; init; }
    public long SizeBytes { get; init; }

    /// <summary>CREATE INDEX CONCURRENTLY ... that recreates the index (also kept in pgperf.index_drop_log).</summary>
    public string RollbackDdl { get; init; } = "";

    public string Sql { get; init; } = "";

    /// <summary>The row in pgperf.index_drop_log.</summary>
    public long LogId { get; init; }
}

/// <summary>Result of the unused-index alert check (the daily job).</summary>
public sealed class PgIndexAlertCheck : PgServerRecord
{
    /// <summary>Indexes that are ConsiderDropping now; each has one open 'unused_index' alert.</summary>
    public PgList<string> OpenKeys { get; init; } = PgList<string>.None;

    /// <summary>Alerts resolved because their index is used again or gone.</summary>
    public int Resolved { get; init; }
}

/// <summary>Options of Get-PgUnusedIndex and the alert check.</summary>
public sealed record PgUnusedIndexOptions
{
    public int MinDaysUnused { get; init; } = 30;
    public bool IncludeConstraintIndexes { get; init; }
    public bool IgnoreStatsAge { get; init; }

    /// <summary>
    /// A server registered in the repository the service is bound to: its stored history, judged as of its latest
    /// snapshot, with rows that name it. Null for the target's own indexes, read live.
    /// </summary>
    public PgMonitoredServer? Server { get; init; }
}
