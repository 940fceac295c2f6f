namespace PgPerf.Engine.Query;

/// <summary>
/// Send-PgQueryLog's batches for one call: one open batch per target; a full one is written on a worker thread
/// while the pipeline fills the next (at most one write at a time, so batches reach the database in input order).
/// </summary>
internal sealed class QueryLogBatches : IQueryLogBatches
{
    private readonly Func<PgConnectionInfo, IQueryLogService> _service;
    private readonly QueryLogBatchOptions _options;
    private readonly CancellationToken _token;
    private readonly Dictionary<string, Batch> _batches = new();
    private Batch? _lastBatch;
    // The batch being written on a worker thread while the pipeline builds the next one.
    private (Task<PgQuerySendResult> Send, PgConnectionInfo Target, List<PgQueryLogEntry> Rows)? _inFlight;
    private List<PgQueryLogEntry>? _spare;

    private sealed class Batch(PgConnectionInfo target, List<PgQueryLogEntry> rows)
    {
        public PgConnectionInfo Target { get; } = target;
        public List<PgQueryLogEntry> Rows { get; set; } = rows;
    }

    public QueryLogBatches(Func<PgConnectionInfo, IQueryLogService> service, QueryLogBatchOptions options, CancellationToken cancellationToken)
    {
        _service = service;
        _options = options;
        _token = cancellationToken;
    }

    public void Add(PgConnectionInfo target, PgQueryLogEntry entry)
    {
        // Most calls send every record to one target: skip the lookup while it stays the same.
        var batch = _lastBatch is { } last && ReferenceEquals(last.Target, target) ? last : null;
        if (batch is null && !_batches.TryGetValue(target.CacheKey, out batch))
            _batches[target.CacheKey] = batch = new Batch(target, NewRows());
        _lastBatch = batch;
        batch.Rows.Add(entry);
        if (batch.Rows.Count >= _options.BatchSize)
            Hand(batch);
    }

    public void Complete()
    {
        foreach (var batch in _batches.Values)
            Hand(batch);
        Finish();
    }

    private List<PgQueryLogEntry> NewRows()
    {
        var rows = _spare ?? new List<PgQueryLogEntry>(Math.Min(_options.BatchSize, 10_000));
        _spare = null;
        return rows;
    }

    /// <summary>Starts writing a full batch on a worker thread and gives the pipeline a new one to fill; the previous batch is finished first.</summary>
    private void Hand(Batch batch)
    {
        if (batch.Rows.Count == 0)
            return;
        Finish();
        var rows = batch.Rows;
        batch.Rows = NewRows();
        var service = _service(batch.Target);
        var options = _options.Send;
        var token = _token;
        _inFlight = (Task.Run(() => service.Send(rows, options, token)), batch.Target, rows);
    }

    /// <summary>Waits for the batch being written and reports it on the calling thread (the only one that may write to the cmdlet's streams).</summary>
    private void Finish()
    {
        if (_inFlight is not { } sent)
            return;
        _inFlight = null;
        // Send reports database failures in its result; anything it throws (a stop, a spool it could not lock)
        // surfaces here as it did when Send ran on this thread.
        var result = sent.Send.GetAwaiter().GetResult();
        _options.Sent(sent.Target, result, sent.Rows);
        sent.Rows.Clear();
        _spare = sent.Rows;
    }
}
