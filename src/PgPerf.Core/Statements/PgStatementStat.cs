namespace PgPerf;

/// <summary>What Get-PgTopStatement orders by.</summary>
public enum StatementOrderBy
{
    TotalTime,
    MeanTime,
    Calls,
    Rows,
    SharedBlocksRead,
    TempBlocksWritten,
    WalBytes,
}

/// <summary>
/// One pg_stat_statements entry (database, user, queryid, top level) summed over a window of snapshots
/// (Get-PgTopStatement). Times are execution times in milliseconds.
/// </summary>
public sealed class PgStatementStat : PgServerRecord
{
    public long QueryId { get; set; }

    /// <summary>QueryFingerprint's hash of the text: the same value as the application's query log (Send-PgQueryLog).</summary>
    public string? QueryHash { get; set; }

    /// <summary>The text as pg_stat_statements normalized it (constants as $1, $2, ...).</summary>
    public string? Query { get; set; }

    public string Database { get; set; } = "";
    public string User { get; set; } = "";

    /// <summary>False for statements run inside functions (pg_stat_statements.track = all); always true on PostgreSQL 13.</summary>
    public bool Toplevel { get; set; } = true;

    public DateTimeOffset Since { get; set; }
    public DateTimeOffset Until { get; set; }

    public long Calls { get; set; }
    public double TotalTimeMs { get; set; }
    public double MeanTimeMs { get; set; }

    /// <summary>Standard deviation of one execution's time, pooled exactly across the window's intervals.</summary>
    public double StddevTimeMs { get; set; }

    /// <summary>Planning time (0 unless pg_stat_statements.track_planning is on).</summary>
    public double PlanTimeMs { get; set; }

    public long Rows { get; set; }
    public long SharedBlocksHit { get; set; }
    public long SharedBlocksRead { get; set; }

    /// <summary>Hits / (hits + reads); null when the statement touched no shared block.</summary>
    public double? SharedHitRatio { get; set; }

    public long TempBlocksWritten { get; set; }
    public long WalBytes { get; set; }

    /// <summary>This entry's share (0..1) of the execution time of every statement on the server in the window.</summary>
    public double ShareOfTotalTime { get; set; }

    /// <summary>The spec's query thresholds on MeanTimeMs: Good, Warning or Critical.</summary>
    public string Status { get; set; } = "";

    /// <summary>True when a statistics reset or an evicted entry made part of the window a lower bound.</summary>
    public bool CountersReset { get; set; }

    /// <summary>The application's P95 for the same QueryHash in the same window (Send-PgQueryLog into this database); null when it logged none.</summary>
    public double? AppP95DurationMs { get; set; }

    /// <summary>Executions the application logged for the same QueryHash in the window; null when none.</summary>
    public long? AppCalls { get; set; }

    public override string ToString() => $"{QueryId}: {Calls} calls, {TotalTimeMs:0.#} ms";
}

/// <summary>One hour of one statement's history (Get-PgStatementTrend).</summary>
public sealed class PgStatementTrend : PgServerRecord
{
    public long QueryId { get; set; }
    public string Database { get; set; } = "";
    public string User { get; set; } = "";
    public DateTimeOffset Hour { get; set; }
    public long Calls { get; set; }
    public double TotalTimeMs { get; set; }
    public double MeanTimeMs { get; set; }
    public long Rows { get; set; }
    public long SharedBlocksRead { get; set; }
}

/// <summary>A statement whose mean time grew between a baseline window and the current one (Compare-PgStatement).</summary>
public sealed class PgStatementRegression : PgServerRecord
{
    public long QueryId { get; set; }
    public string? QueryHash { get; set; }
    public string? Query { get; set; }
    public string Database { get; set; } = "";
    public string User { get; set; } = "";
    public bool Toplevel { get; set; } = true;
    public double BaselineMeanMs { get; set; }
    public double CurrentMeanMs { get; set; }
    public double IncreasePercent { get; set; }
    public long BaselineCalls { get; set; }
    public long CurrentCalls { get; set; }

    /// <summary>(CurrentMeanMs - BaselineMeanMs) * CurrentCalls: the time the slowdown cost in the current window.</summary>
    public double AddedTimeMs { get; set; }

    public override string ToString() => $"{QueryId}: {BaselineMeanMs:0.##} -> {CurrentMeanMs:0.##} ms (+{IncreasePercent:0} %)";
}
