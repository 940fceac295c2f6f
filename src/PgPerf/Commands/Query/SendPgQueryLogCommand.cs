using System.Diagnostics;
using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Logs query executions to pgperf.query_performance_logs with binary COPY, in batches. Piped records come in whole
/// through -InputObject and are read by field name (PascalCase or snake_case) in QueryLogRecordReader; the same
/// fields bind by property name when one is given on the command line. When the database cannot be reached the
/// records go to a local spool and a warning is written; the next successful send replays the spool first.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "PgQueryLog", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PgQueryLogEntry))]
public sealed class SendPgQueryLogCommand : PgPerfCmdlet
{
    private const int ProgressId = 31;

    private readonly Stopwatch _clock = new();
    private readonly List<string> _warnings = new();
    private SendReporter? _reporter;
    private IQueryLogBatches? _batches;
    private long _position;
    private bool _progressShown;
    private object? _lastConnection;
    private PgConnectionInfo? _lastTarget;

    /// <summary>The fields as parameters: a single record on the command line, or piped records with a field given on the command line.</summary>
    internal const string RecordSet = "Record";

    /// <summary>Whole piped records, read by field name: PowerShell binds one parameter per record instead of seven.</summary>
    internal const string InputObjectSet = "InputObject";

    /// <summary>
    /// The target, by property name only: a record's own Connection, or the command line. Piped objects here are
    /// records, never targets, and taking -Connection by value made PowerShell try to convert every record to a
    /// PgTarget[] and fail, record after record, whenever -Connection was not bound before the pipeline started:
    /// 3-7x slower with the session default or PGPERF_CONNECTION (docs/benchmarks.md).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public override PgTarget[]? Connection { get; set; }

    /// <summary>A whole record from the pipeline; its fields are read by the names of the parameters below and their aliases.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(ParameterSetName = RecordSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("query_text", "Name", "QueryName", "query_name", "Query")]
    [AllowEmptyString]
    [AllowNull]
    public string? QueryText { get; set; }

    [Parameter(ParameterSetName = RecordSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("duration_ms", "Duration")]
    public double DurationMs { get; set; }

    [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Endpoint { get; set; }

    [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
    [Alias("user_id")]
    [AllowEmptyString]
    [AllowNull]
    public string? UserId { get; set; }

    [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? Parameters { get; set; }

    [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
    [Alias("logged_at")]
    public DateTimeOffset? LoggedAt { get; set; }

    [Parameter(ParameterSetName = RecordSet, ValueFromPipelineByPropertyName = true)]
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

    /// <summary>A central repository (Install-PgPerfSchema -Repository): the records are logged there, as -Server's.</summary>
    [Parameter]
    [ValidateNotNull]
    public PgTarget? Repository { get; set; }

    /// <summary>With -Repository: the registered name of the server the application runs against (one name, no wildcards).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Server { get; set; }

    // With -Repository: where every record goes, and the registered server it is logged for (migration 036).
    private (PgConnectionInfo Repository, StatementServer Server)? _registered;

    protected override void BeginProcessing()
    {
        if (Repository is not null || Server is not null)
        {
            try
            {
                if (Repository is null)
                    throw new PgPerfException(PgPerfErrorIds.Repository.ServerWithoutRepository, PgPerfErrorKind.InvalidArgument,
                        "-Server names a server registered in a central repository; give that repository with -Repository, or leave -Server out to log into -Connection.")
                    { ParameterName = nameof(Server) };
                if (MyInvocation.BoundParameters.ContainsKey(nameof(Connection)))
                    throw new PgPerfException(PgPerfErrorIds.Repository.NotWithRepository, PgPerfErrorKind.InvalidArgument,
                        "With -Repository the records are logged in the repository as -Server's; leave -Connection out (or -Repository and -Server, to log into -Connection).")
                    { ParameterName = nameof(Connection) };
                _registered = OneRegisteredServer(Repository, Server);
            }
            catch (PgPerfException ex)
            {
                ThrowTerminating(ex);
            }
        }
        _reporter = new SendReporter(this);
        _batches = Engine.QueryLog.OpenBatches(new QueryLogBatchOptions
        {
            Send = new QuerySendOptions { SpoolDirectory = SpoolPath, AlertThresholdMs = AlertThresholdMs, Server = _registered?.Server },
            BatchSize = BatchSize,
            Sent = Report,
        }, CancellationToken);
        _clock.Start();
    }

    protected override void ProcessRecord()
    {
        _position++;
        PgConnectionInfo target;
        try
        {
            if (_registered is { } registered)
                target = registered.Repository;
            // -Connection given once on the command line is the same object for every record: parse it once.
            else if (_lastTarget is not null && ReferenceEquals(Connection, _lastConnection))
                target = _lastTarget;
            else
                (_lastConnection, _lastTarget) = (Connection, target = ResolveConnection());
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
            if (InputObject is not null)
                QueryLogRecordReader.ReadInto(this, InputObject);
            entry = QueryLogRules.Create(QueryText, DurationMs, LoggedAt, Endpoint, UserId, Engine.QueryLog.ParametersJson(Parameters), ParameterMode, IsError.IsPresent, _warnings);
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

        _batches!.Add(target, entry);
    }

    protected override void EndProcessing()
    {
        _batches!.Complete();
        if (_progressShown)
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", "Done") { RecordType = ProgressRecordType.Completed });
        if (_reporter!.Spooled > 0)
            WriteWarning($"{_reporter.Spooled} query log record(s) are in the spool {_reporter.SpoolFile} and will be sent by the next successful Send-PgQueryLog or Measure-PgQuery to that database.");
    }

    /// <summary>A batch was written (or spooled): called by the Engine on the pipeline thread, the only one that may write to the streams.</summary>
    private void Report(PgConnectionInfo target, PgQuerySendResult result, IReadOnlyList<PgQueryLogEntry> rows)
    {
        _reporter!.Report(result);
        if (PassThru)
        {
            // What From(target) does, with the Server text built once per batch; a registered server's records name it.
            var server = _registered?.Server.Name ?? target.Server;
            var connection = _registered?.Server.Connection ?? target;
            foreach (var row in rows)
            {
                row.Server = server;
                row.Connection = connection;
                WriteObject(row);
            }
        }

        if (_clock.Elapsed.TotalSeconds > 2)
        {
            _progressShown = true;
            WriteProgress(new ProgressRecord(ProgressId, "Send-PgQueryLog", $"{_position:N0} records read, {_reporter.Written:N0} written, {_reporter.Spooled:N0} spooled"));
        }
    }
}
