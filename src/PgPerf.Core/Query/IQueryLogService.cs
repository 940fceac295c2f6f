namespace PgPerf;

/// <summary>Query performance logging and reports (Send-PgQueryLog, Measure-PgQuery, Get-PgSlowQuery, Get-PgQueryStat).</summary>
public interface IQueryLogService
{
    /// <summary>
    /// Writes a batch with binary COPY after replaying the target's spool. When the database cannot be reached,
    /// the batch goes to the spool instead; this never throws for a database failure (see the result).
    /// </summary>
    PgQuerySendResult Send(IReadOnlyList<PgQueryLogEntry> entries, QuerySendOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Queues one record for the in-process background writer and returns at once (well under a microsecond):
    /// batches of up to 10,000 rows or 200 ms go out with binary COPY. When the buffer (100,000 records) is full,
    /// the caller waits up to 250 ms for space, then writes the record to the local spool instead; nothing is dropped.
    /// </summary>
    void Enqueue(PgQueryLogEntry entry, QuerySendOptions options);

    /// <summary>Waits until every queued record is written or spooled; false if the timeout passed first.</summary>
    bool Flush(TimeSpan timeout);

    /// <summary>Spooled records and failures of the background writer since the last call (null when none).</summary>
    PgQuerySendResult? TakeBackgroundResult();

    IReadOnlyList<PgSlowQuery> GetSlowQueries(SlowQueryOptions options, CancellationToken cancellationToken);

    IReadOnlyList<PgQueryStat> GetQueryStats(QueryStatOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// For each hour of the window (Start and End on whole hours), the rows GetQueryStats returns for [hour, hour + 1),
    /// in one read: oldest hour first, hours without queries left out. GroupBy None or Query, default slow threshold.
    /// </summary>
    IReadOnlyList<PgQueryStat> GetQueryStatsByHour(QueryStatOptions options, CancellationToken cancellationToken);
}

public sealed record QuerySendOptions
{
    /// <summary>Spool folder; null means $env:PGPERF_SPOOL_DIR, then LocalApplicationData/PgPerf/spool.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>Executions at or over this open or update a slow_query alert; 0 turns alerts off.</summary>
    public double AlertThresholdMs { get; init; } = QueryThresholds.SlowQueryMs;

    /// <summary>
    /// The registered server the records are logged for, in a central repository (migration 036); null for the
    /// database written to itself (server 0). Slow-query alerts are raised as the same server's.
    /// </summary>
    public StatementServer? Server { get; init; }
}

public sealed class PgQuerySendResult
{
    /// <summary>Rows of this batch written to the database.</summary>
    public int Written { get; set; }

    /// <summary>Spooled rows written by this call (duplicates already in the table are not counted).</summary>
    public int Replayed { get; set; }

    /// <summary>Rows of this batch put in the spool.</summary>
    public int Spooled { get; set; }

    /// <summary>slow_query alerts opened or updated.</summary>
    public int Alerts { get; set; }

    public string? SpoolFile { get; set; }

    /// <summary>Why the batch was spooled (or why the spool could not be replayed), when it was.</summary>
    public PgPerfException? Failure { get; set; }
}

public sealed record SlowQueryOptions
{
    public int Hours { get; init; } = 24;
    public double MinDurationMs { get; init; } = QueryThresholds.SlowQueryMs;

    /// <summary>Null or 0: all rows.</summary>
    public int? Top { get; init; }

    public string[]? QueryHashes { get; init; }
    public string[]? Endpoints { get; init; }

    /// <summary>The registered server to read in a central repository; null for the database read itself (server 0).</summary>
    public StatementServer? Server { get; init; }
}

public sealed record QueryStatOptions
{
    public DateTimeOffset Start { get; init; }
    public DateTimeOffset End { get; init; }
    public QueryStatGroupBy GroupBy { get; init; }
    public double SlowThresholdMs { get; init; } = QueryThresholds.SlowQueryMs;
    public string[]? QueryHashes { get; init; }
    public string[]? Endpoints { get; init; }

    /// <summary>The registered server to read in a central repository; null for the database read itself (server 0).</summary>
    public StatementServer? Server { get; init; }
}
