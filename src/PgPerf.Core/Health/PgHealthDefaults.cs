namespace PgPerf;

/// <summary>
/// The default thresholds of the health checks, in one place: the cmdlets' parameters, the check list
/// (PgHealthChecks) and the hourly job all start from these.
/// </summary>
public static class PgHealthDefaults
{
    /// <summary>A session waiting this long for a lock is a Warning, ...</summary>
    public const double BlockingWarningSeconds = 30;
    /// <summary>... and this long a Critical.</summary>
    public const double BlockingCriticalSeconds = 300;

    /// <summary>A transaction open this long (active or idle in transaction) is a Warning, ...</summary>
    public const double LongTransactionWarningSeconds = 300;
    /// <summary>... and this long a Critical (it holds back VACUUM everywhere and may hold locks).</summary>
    public const double LongTransactionCriticalSeconds = 3600;

    /// <summary>XID or MXID age as a percentage of 2^31: Warning at 50 % (about 1.07 billion), ...</summary>
    public const double WraparoundWarningPercent = 50;
    /// <summary>... Critical at 75 % (about 1.6 billion, where PostgreSQL 14+'s vacuum_failsafe_age starts).</summary>
    public const double WraparoundCriticalPercent = 75;
    /// <summary>
    /// Age as a percentage of autovacuum_freeze_max_age (or the multixact one) that is a Warning: at 100 %
    /// autovacuum starts an anti-wraparound vacuum; half as much again means it is not keeping up.
    /// </summary>
    public const double FreezeMaxAgeWarningPercent = 150;

    /// <summary>Sequence use (against the smaller of the sequence's and its column type's limit): Warning at 75 %, ...</summary>
    public const double SequenceWarningPercent = 75;
    /// <summary>... Critical at 90 %.</summary>
    public const double SequenceCriticalPercent = 90;

    /// <summary>Dead rows at this multiple of the table's autovacuum threshold mean autovacuum is not keeping up: Warning.</summary>
    public const double VacuumOverdueFactor = 2;

    /// <summary>Client connections as a percentage of max_connections: Warning at 80 %, ...</summary>
    public const double ConnectionsWarningPercent = 80;
    /// <summary>... Critical at 95 %.</summary>
    public const double ConnectionsCriticalPercent = 95;

    /// <summary>Shared-buffer hit ratio below 99 % is a Warning, ...</summary>
    public const double CacheHitWarningPercent = 99;
    /// <summary>... at or below 90 % a Critical.</summary>
    public const double CacheHitCriticalPercent = 90;
    /// <summary>Fewer block reads than this since the statistics reset are too few to judge the ratio.</summary>
    public const long CacheHitMinimumBlocks = 10000;

    /// <summary>How many of the oldest tables Get-PgWraparoundRisk lists besides the databases.</summary>
    public const int WraparoundTopTables = 10;
}
