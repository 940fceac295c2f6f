namespace PgPerf.Engine.Query;

/// <summary>
/// The in-process writer behind IQueryLogService.Enqueue (Measure-PgQuery, the C# API): a bounded buffer drained
/// by one background thread that waits for <see cref="BatchRows"/> rows or <see cref="BatchWait"/> before each COPY
/// (through the same Send path: spool replay, retry, spool on failure).
/// Full-buffer policy: a caller that finds the buffer full waits at most <see cref="FullWait"/> for space (a burst
/// is paced to the database's speed); if there is still none, its record is appended to the local spool on its
/// own thread and sent by the next successful write. Nothing is dropped silently; only a spool that cannot be
/// written loses records, and that is reported as a failure.
/// Flushed at process exit (and by the module's OnRemove through Flush).
/// </summary>
/// <remarks>
/// One lock and a list swap rather than a channel: the writer takes a whole batch in one step, and a caller
/// blocked on a full buffer is woken once per batch taken, not once per record read (with a channel, a producer
/// faster than the database woke up and went back to sleep for every row, which cost about a fifth of the COPY
/// speed on two cores).
/// </remarks>
internal sealed class QueryLogQueue
{
    internal const int Capacity = 100_000;
    internal const int BatchRows = 10_000;
    internal static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest a caller waits for space in a full buffer before its record goes to the spool.</summary>
    internal static readonly TimeSpan FullWait = TimeSpan.FromMilliseconds(250);

    private readonly QueryLogService _service;
    private readonly QuerySendOptions _options;
    private readonly int _capacity;
    private readonly int _batchRows;

    // Everything below is guarded by _lock.
    private readonly object _lock = new();
    private List<PgQueryLogEntry> _buffer;
    private List<PgQueryLogEntry>? _spare;
    private int _inFlight;
    // The writer sleeps until the buffer holds this many rows (int.MaxValue: it is not waiting for rows).
    private int _writerWants = int.MaxValue;
    private int _spaceWaiters;
    private int _flushWaiters;
    private bool _overflowing;

    private readonly object _resultGate = new();
    private PgQuerySendResult? _unreported;

    public QueryLogQueue(QueryLogService service, QuerySendOptions options, int capacity = Capacity)
    {
        _service = service;
        _options = options;
        _capacity = capacity;
        _batchRows = Math.Min(BatchRows, capacity);
        _buffer = new List<PgQueryLogEntry>(_batchRows);
        // A thread of its own: Send is synchronous and a COPY holds it for tens of milliseconds; a thread-pool
        // thread held that long slows everything else queued on the pool.
        new Thread(Drain) { IsBackground = true, Name = "PgPerf query-log writer" }.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush(TimeSpan.FromSeconds(5));
    }

    public void Enqueue(PgQueryLogEntry entry)
    {
        lock (_lock)
        {
            if (_buffer.Count < _capacity)
            {
                Add(entry);
                return;
            }
            // Full. While the writer keeps up, a whole batch of space comes back within one COPY (about 40-100 ms
            // for a full batch): wait that long, which paces a burst to the database's speed. If it does not (the
            // database is slow or down), spool this record rather than block the caller longer or drop it.
            // Once a wait has failed, later callers spool at once until the writer finishes its current write.
            if (!_overflowing)
            {
                var deadline = Environment.TickCount64 + (long)FullWait.TotalMilliseconds;
                _spaceWaiters++;
                try
                {
                    while (_buffer.Count >= _capacity)
                    {
                        var left = deadline - Environment.TickCount64;
                        if (left <= 0) break;
                        Monitor.Wait(_lock, (int)left);
                    }
                }
                finally
                {
                    _spaceWaiters--;
                }
                if (_buffer.Count < _capacity)
                {
                    Add(entry);
                    return;
                }
                _overflowing = true;
            }
        }
        Remember(_service.SpoolOnly(new[] { entry }, _options));
    }

    // Under _lock.
    private void Add(PgQueryLogEntry entry)
    {
        _buffer.Add(entry);
        if (_buffer.Count >= _writerWants)
        {
            _writerWants = int.MaxValue;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits until everything queued so far is written or spooled. False when the timeout passed first.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)Math.Min(timeout.TotalMilliseconds, int.MaxValue);
        lock (_lock)
        {
            _flushWaiters++;
            try
            {
                // The writer sends what it has now instead of waiting out BatchWait.
                if (_writerWants != int.MaxValue)
                {
                    _writerWants = int.MaxValue;
                    Monitor.PulseAll(_lock);
                }
                while (_buffer.Count + _inFlight > 0)
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0) return false;
                    Monitor.Wait(_lock, (int)Math.Min(left, 1000));
                }
                return true;
            }
            finally
            {
                _flushWaiters--;
            }
        }
    }

    /// <summary>What went wrong (spooled records, failures) since the last call, or null.</summary>
    public PgQuerySendResult? TakeResult()
    {
        lock (_resultGate)
        {
            var r = _unreported;
            _unreported = null;
            return r;
        }
    }

    private void Remember(PgQuerySendResult result)
    {
        if (result.Spooled == 0 && result.Failure is null) return;
        lock (_resultGate)
        {
            if (_unreported is null) _unreported = result;
            else
            {
                _unreported.Spooled += result.Spooled;
                _unreported.Replayed += result.Replayed;
                _unreported.Failure = result.Failure ?? _unreported.Failure;
                _unreported.SpoolFile ??= result.SpoolFile;
            }
        }
    }

    private void Drain()
    {
        while (true)
        {
            List<PgQueryLogEntry> batch;
            lock (_lock)
            {
                while (_buffer.Count == 0)
                {
                    _writerWants = 1;
                    Monitor.Wait(_lock);
                }
                // Gather up to a batch, or whatever arrived within BatchWait of the first row; a flush cuts the wait short.
                var deadline = Environment.TickCount64 + (long)BatchWait.TotalMilliseconds;
                while (_buffer.Count < _batchRows && _flushWaiters == 0)
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0) break;
                    _writerWants = _batchRows;
                    Monitor.Wait(_lock, (int)left);
                }
                _writerWants = int.MaxValue;
                if (_buffer.Count <= _batchRows)
                {
                    batch = _buffer;
                    _buffer = _spare ?? new List<PgQueryLogEntry>(_batchRows);
                    _spare = null;
                }
                else
                {
                    batch = _buffer.GetRange(0, _batchRows);
                    _buffer.RemoveRange(0, _batchRows);
                }
                _inFlight = batch.Count;
                // A whole batch of space is free: wake the callers waiting for it, once.
                if (_spaceWaiters > 0)
                    Monitor.PulseAll(_lock);
            }

            try
            {
                Remember(_service.Send(batch, _options, CancellationToken.None));
            }
            catch (Exception ex)
            {
                // Send spools on database failures; anything else must not kill the writer.
                Remember(new PgQuerySendResult
                {
                    Failure = new PgPerfException(PgPerfErrorIds.Query.WriterFailed, PgPerfErrorKind.InvalidOperation,
                        $"The background query-log writer failed on {batch.Count} record(s): {ex.Message}", null, ex),
                });
            }

            lock (_lock)
            {
                _inFlight = 0;
                _overflowing = false;
                if (batch.Capacity <= 2 * _batchRows)
                {
                    batch.Clear();
                    _spare = batch;
                }
                if (_flushWaiters > 0)
                    Monitor.PulseAll(_lock);
            }
        }
    }
}
