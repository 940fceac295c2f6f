using System.Threading.Channels;

namespace PgPerf.Engine.Query;

/// <summary>
/// The in-process writer behind IQueryLogService.Enqueue (Measure-PgQuery, the C# API): a bounded channel
/// drained by one background task that waits for <see cref="BatchRows"/> rows or <see cref="BatchWait"/>
/// before each COPY (through the same Send path: spool replay, retry, spool on failure).
/// Full-buffer policy: a caller that finds the buffer full waits at most <see cref="FullWait"/> for space (a burst
/// is paced to the database's speed); if there is still none, its record is appended to the local spool on its
/// own thread and sent by the next successful write. Nothing is dropped silently; only a spool that cannot be
/// written loses records, and that is reported as a failure.
/// Flushed at process exit (and by the module's OnRemove through Flush).
/// </summary>
internal sealed class QueryLogQueue
{
    internal const int Capacity = 100_000;
    internal const int BatchRows = 10_000;
    internal static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest a caller waits for space in a full buffer before its record goes to the spool.</summary>
    internal static readonly TimeSpan FullWait = TimeSpan.FromMilliseconds(250);

    private readonly Channel<PgQueryLogEntry> _channel;
    private readonly QueryLogService _service;
    private readonly QuerySendOptions _options;
    private readonly object _gate = new();
    private readonly Task _worker;
    private long _pending;
    private volatile bool _overflowing;
    private PgQuerySendResult? _unreported;

    public QueryLogQueue(QueryLogService service, QuerySendOptions options, int capacity = Capacity)
    {
        _channel = Channel.CreateBounded<PgQueryLogEntry>(
            new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
        _service = service;
        _options = options;
        _worker = Task.Run(DrainAsync);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush(TimeSpan.FromSeconds(5));
    }

    public void Enqueue(PgQueryLogEntry entry)
    {
        Interlocked.Increment(ref _pending);
        if (_channel.Writer.TryWrite(entry)) return;
        // Full. While the writer is keeping up, space comes back within one COPY (about 40-100 ms for a full
        // batch): wait that long, which paces a burst to the database's speed. If it does not (the database is
        // slow or down), spool this record rather than block the caller longer or drop it.
        // Once a wait has failed, later callers spool at once until the writer finishes its current write.
        if (!_overflowing)
        {
            using var wait = new CancellationTokenSource(FullWait);
            try
            {
                _channel.Writer.WriteAsync(entry, wait.Token).AsTask().GetAwaiter().GetResult();
                return;
            }
            catch (OperationCanceledException)
            {
                _overflowing = true;
            }
        }
        var result = _service.SpoolOnly(new[] { entry }, _options);
        Interlocked.Decrement(ref _pending);
        Remember(result);
    }

    /// <summary>Waits until everything queued so far is written or spooled. False when the timeout passed first.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _pending) > 0)
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(2);
        }
        return true;
    }

    /// <summary>What went wrong (spooled records, failures) since the last call, or null.</summary>
    public PgQuerySendResult? TakeResult()
    {
        lock (_gate)
        {
            var r = _unreported;
            _unreported = null;
            return r;
        }
    }

    private void Remember(PgQuerySendResult result)
    {
        if (result.Spooled == 0 && result.Failure is null) return;
        lock (_gate)
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

    private async Task DrainAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<PgQueryLogEntry>(BatchRows);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Gather up to BatchRows, or whatever arrived within BatchWait of the first row.
            var deadline = DateTime.UtcNow + BatchWait;
            while (batch.Count < BatchRows)
            {
                if (reader.TryRead(out var e)) { batch.Add(e); continue; }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                using var timer = new CancellationTokenSource(left);
                try
                {
                    if (!await reader.WaitToReadAsync(timer.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (batch.Count == 0) continue;
            try
            {
                Remember(_service.Send(batch, _options, CancellationToken.None));
            }
            catch (Exception ex)
            {
                // Send spools on database failures; anything else must not kill the writer.
                Remember(new PgQuerySendResult
                {
                    Failure = new PgPerfException("PgPerf.Query.WriterFailed", PgPerfErrorKind.InvalidOperation,
                        $"The background query-log writer failed on {batch.Count} record(s): {ex.Message}", null, ex),
                });
            }
            Interlocked.Add(ref _pending, -batch.Count);
            _overflowing = false;
            batch = new List<PgQueryLogEntry>(BatchRows);
        }
    }
}
