using System.Diagnostics;
using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Logs query executions to pgperf.query_performance_logs with binary COPY, in batches. Binds from the pipeline by
/// property name (PascalCase or snake_case). When the database cannot be reached the records go to a local spool
/// and a warning is written; the next successful send replays the spool first.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "PgQueryLog")]
[OutputType(typeof(PgQueryLogEntry))]
public sealed class SendPgQueryLogCommand : PgPerfCmdlet
{
    private const int ProgressId = 31;

    private readonly Dictionary<string, Batch> _batches = new();
    private readonly Stopwatch _clock = new();
    private readonly List<string> _warnings = new();
    private SendReporter? _reporter;
    private QuerySendOptions? _options;
    private long _position;
    private bool _progressShown;
    private object? _lastConnection;
    private PgConnectionInfo? _lastTarget;
    private Batch? _lastBatch;
    // The batch being written on a worker thread while the pipeline builds the next one (at most one at a time,
    // so batches reach the database in input order).
    private (Task<PgQuerySendResult> Send, PgConnectionInfo Target, List<PgQueryLogEntry> Rows)? _inFlight;
    private List<PgQueryLogEntry>? _spare;

    private sealed class Batch(PgConnectionInfo target, List<PgQueryLogEntry> rows)
    {
        public PgConnectionInfo Target { get; } = target;
        public List<PgQueryLogEntry> Rows { get; set; } = rows;
    }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("query_text", "Name", "QueryName", "query_name", "Query")]
    [AllowEmptyString]
    [AllowNull]
    public string? QueryText { get; set; }

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("duration_ms", "Duration")]
    public double DurationMs { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Endpoint { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("user_id")]
    [AllowEmptyString]
    [AllowNull]
    public string? UserId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Parameters { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("logged_at")]
    public DateTimeOffset? LoggedAt { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("is_error")]
    [FlagTransformation]
    public SwitchParameter IsError { get; set; }

    [Parameter]
    public ParameterMode ParameterMode { get; set; } = ParameterMode.Keep;

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int BatchSize { get; set; } = 1000;

    [Parameter]
    [ValidateRange(0d, 1e9)]
    public double AlertThresholdMs { get; set; } = QueryThresholds.SlowQueryMs;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SpoolPath { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _reporter = new SendReporter(this);
        _options = new QuerySendOptions { SpoolDirectory = SpoolPath, AlertThresholdMs = AlertThresholdMs };
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        _position++;
        PgConnectionInfo target;
        Batch? batch;
        try
        {
            // -Connection given once on the command line is the same object for every record: parse it once.
            if (_lastTarget is not null && ReferenceEquals(Connection, _lastConnection))
            {
                target = _lastTarget;
                batch = _lastBatch;
            }
            else
            {
                target = ResolveConnection();
                (_lastConnection, _lastTarget) = (Connection, target);
                batch = _lastBatch = _batches.TryGetValue(target.CacheKey, out var known) ? known : null;
            }
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }

        _warnings.Clear();
        PgQueryLogEntry entry;
        try
        {
            entry = QueryLogRules.Create(QueryText, DurationMs, LoggedAt, Endpoint, UserId, ParameterJson.From(Parameters), ParameterMode, IsError.IsPresent, _warnings);
        }
        catch (PgPerfException ex)
        {
            // One bad record: report it with its position and go on; nothing of it is written.
            var record = ToErrorRecord(new PgPerfException(ex.ErrorId, ex.Kind, $"Record {_position}: {ex.Message}", _position, ex) { ParameterName = ex.ParameterName });
            record.ErrorDetails = new ErrorDetails($"Record {_position}: {ex.Message}") { RecommendedAction = $"Correct -{ex.ParameterName} of record {_position}." };
            WriteError(record);
            return;
        }
        foreach (var warning in _warnings)
            WriteWarning($"Record {_position}: {warning}");
        if (entry.QueryTruncated)
            WriteVerbose($"Record {_position}: the query text was cut to {QueryLogRules.MaxQueryTextLength} characters (QueryTruncated is set).");

        if (batch is null)
            _batches[target.CacheKey] = _lastBatch = batch = new Batch(target, NewRows());
        batch.Rows.Add(entry);
        if (batch.Rows.Count >= BatchSize)
            Hand(batch);
    }

    protected override void EndProcessing()
    {
        foreach (var batch in _batches.Values)
            Hand(batch);
        Complete();
        if (_progressShown)
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", "Done") { RecordType = ProgressRecordType.Completed });
        if (_reporter!.Spooled > 0)
            WriteWarning($"{_reporter.Spooled} query log record(s) are in the spool {_reporter.SpoolFile} and will be sent by the next successful Send-PgQueryLog or Measure-PgQuery to that database.");
    }

    private List<PgQueryLogEntry> NewRows()
    {
        var rows = _spare ?? new List<PgQueryLogEntry>(Math.Min(BatchSize, 10_000));
        _spare = null;
        return rows;
    }

    /// <summary>
    /// Starts writing a full batch on a worker thread and gives the pipeline a new one to fill. The previous batch
    /// is finished (and reported) first, so only one write runs at a time and batches keep their order.
    /// </summary>
    private void Hand(Batch batch)
    {
        if (batch.Rows.Count == 0)
            return;
        Complete();
        var rows = batch.Rows;
        batch.Rows = NewRows();
        var service = Engine.Get<IQueryLogService>(batch.Target);
        var options = _options!;
        var token = CancellationToken;
        _inFlight = (Task.Run(() => service.Send(rows, options, token)), batch.Target, rows);
    }

    /// <summary>Waits for the batch being written and reports it here, on the pipeline thread (the only one that may write to the streams).</summary>
    private void Complete()
    {
        if (_inFlight is not { } sent)
            return;
        _inFlight = null;
        // Send reports database failures in its result; anything it throws (a stop, a spool it could not lock)
        // surfaces here as it did when Send ran on this thread.
        var result = sent.Send.GetAwaiter().GetResult();
        _reporter!.Report(result);
        if (PassThru)
        {
            var server = sent.Target.Server;
            foreach (var row in sent.Rows)
            {
                // What From(target) does, with the Server text built once per batch.
                row.Server = server;
                row.Connection = sent.Target;
                WriteObject(row);
            }
        }
        sent.Rows.Clear();
        _spare = sent.Rows;

        if (_clock.Elapsed.TotalSeconds > 2)
        {
            _progressShown = true;
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", $"{_position:N0} records read, {_reporter.Written:N0} written, {_reporter.Spooled:N0} spooled"));
        }
    }
}
