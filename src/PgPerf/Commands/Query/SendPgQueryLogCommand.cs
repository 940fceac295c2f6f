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

    private readonly Dictionary<string, (PgConnectionInfo Target, List<PgQueryLogEntry> Rows)> _batches = new();
    private readonly Stopwatch _clock = new();
    private SendReporter? _reporter;
    private long _position;
    private bool _progressShown;
    private object? _lastConnection;
    private PgConnectionInfo? _lastTarget;
    private string _lastKey = "";

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
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        _position++;
        PgConnectionInfo target;
        try
        {
            // -Connection given once on the command line is the same object for every record: parse it once.
            if (_lastTarget is not null && ReferenceEquals(Connection, _lastConnection))
                target = _lastTarget;
            else
            {
                target = ResolveConnection();
                (_lastConnection, _lastTarget, _lastKey) = (Connection, target, target.CacheKey);
            }
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }

        var warnings = new List<string>();
        PgQueryLogEntry entry;
        try
        {
            entry = QueryLogRules.Create(QueryText, DurationMs, LoggedAt, Endpoint, UserId, ParameterJson.From(Parameters), ParameterMode, IsError.IsPresent, warnings);
        }
        catch (PgPerfException ex)
        {
            // One bad record: report it with its position and go on; nothing of it is written.
            var record = ToErrorRecord(new PgPerfException(ex.ErrorId, ex.Kind, $"Record {_position}: {ex.Message}", _position, ex) { ParameterName = ex.ParameterName });
            record.ErrorDetails = new ErrorDetails($"Record {_position}: {ex.Message}") { RecommendedAction = $"Correct -{ex.ParameterName} of record {_position}." };
            WriteError(record);
            return;
        }
        foreach (var warning in warnings)
            WriteWarning($"Record {_position}: {warning}");
        if (entry.QueryTruncated)
            WriteVerbose($"Record {_position}: the query text was cut to {QueryLogRules.MaxQueryTextLength} characters (QueryTruncated is set).");

        if (!_batches.TryGetValue(_lastKey, out var batch))
            _batches[_lastKey] = batch = (target, new List<PgQueryLogEntry>(Math.Min(BatchSize, 10_000)));
        batch.Rows.Add(entry);
        if (batch.Rows.Count >= BatchSize)
            Flush(batch.Target, batch.Rows);
    }

    protected override void EndProcessing()
    {
        foreach (var (target, rows) in _batches.Values)
            Flush(target, rows);
        if (_progressShown)
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", "Done") { RecordType = ProgressRecordType.Completed });
        if (_reporter!.Spooled > 0)
            WriteWarning($"{_reporter.Spooled} query log record(s) are in the spool {_reporter.SpoolFile} and will be sent by the next successful Send-PgQueryLog or Measure-PgQuery to that database.");
    }

    private void Flush(PgConnectionInfo target, List<PgQueryLogEntry> rows)
    {
        if (rows.Count == 0)
            return;
        var service = Engine.Get<IQueryLogService>(target);
        var result = service.Send(rows, new QuerySendOptions { SpoolDirectory = SpoolPath, AlertThresholdMs = AlertThresholdMs }, CancellationToken);
        _reporter!.Report(result);
        if (PassThru)
            foreach (var row in rows)
            {
                row.From(target);
                WriteObject(row);
            }
        rows.Clear();

        if (_clock.Elapsed.TotalSeconds > 2)
        {
            _progressShown = true;
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", $"{_position:N0} records read, {_reporter.Written:N0} written, {_reporter.Spooled:N0} spooled"));
        }
    }
}
