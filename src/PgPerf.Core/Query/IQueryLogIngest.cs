namespace PgPerf;

/// <summary>
/// Taking query executions in (Send-PgQueryLog, Measure-PgQuery): per-call batching on a worker thread, the
/// process-wide record of which targets Measure-PgQuery wrote to, and -Parameters as JSON. The cmdlets bind, call
/// this and write what it returns; the Engine implements it once per process.
/// </summary>
public interface IQueryLogIngest
{
    /// <summary>One Send-PgQueryLog call: records batched per target and written in input order.</summary>
    IQueryLogBatches OpenBatches(QueryLogBatchOptions options, CancellationToken cancellationToken);

    /// <summary>-Parameters (hashtable, PSCustomObject, array or JSON string) as JSON text; null when there are none. Throws PgPerf.Query.InvalidParameters.</summary>
    string? ParametersJson(object? parameters);

    /// <summary>
    /// Measure-PgQuery's record: the first for a target (and these options) is written at once, so a wrong connection
    /// or a missing schema shows right away; later ones are queued for the background writer. Returns what to report
    /// (this write, or what the background writer could not write since the last call), or null.
    /// </summary>
    PgQuerySendResult? Log(PgConnectionInfo target, PgQueryLogEntry entry, QuerySendOptions options);

    /// <summary>Writes (or spools) every record Measure-PgQuery queued in this process, waiting up to the timeout for each target.</summary>
    void FlushAll(TimeSpan timeout);
}

/// <summary>Send-PgQueryLog's batching for one call.</summary>
public interface IQueryLogBatches
{
    /// <summary>
    /// Adds a record to its target's batch. A full batch starts writing on a worker thread while the caller fills the
    /// next; the batch before it is finished first (one write at a time, so batches reach the database in order), and
    /// reported through <see cref="QueryLogBatchOptions.Sent"/> on the calling thread.
    /// </summary>
    void Add(PgConnectionInfo target, PgQueryLogEntry entry);

    /// <summary>Writes every batch still open and waits for it; call once, at the end of the input.</summary>
    void Complete();
}

public sealed record QueryLogBatchOptions
{
    public required QuerySendOptions Send { get; init; }

    public int BatchSize { get; init; } = 1000;

    /// <summary>
    /// Called on the thread that calls Add or Complete when a batch is written (or spooled). Its rows are reused for
    /// the next batch after it returns, so write them out within the call.
    /// </summary>
    public required Action<PgConnectionInfo, PgQuerySendResult, IReadOnlyList<PgQueryLogEntry>> Sent { get; init; }
}
