using System.Diagnostics;
using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Runs a script block in the caller's scope, streams its output unchanged, and logs how long it took under a
/// query name. A script block that throws is logged with IsError and its error is rethrown as it was.
/// Logging never fails the caller: a logging problem is a warning (and the record is spooled when the database is down).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "PgQuery")]
[OutputType(typeof(object))]
public sealed class MeasurePgQueryCommand : PgPerfCmdlet
{
    // Dot-sourcing keeps the block in the caller's scope, as Measure-Command does.
    private static readonly ScriptBlock Runner = ScriptBlock.Create("param($__PgPerfScriptBlock) . $__PgPerfScriptBlock");

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("QueryName", "QueryText")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    [Parameter]
    public string? Endpoint { get; set; }

    [Parameter]
    public string? UserId { get; set; }

    [Parameter]
    public object? Parameters { get; set; }

    [Parameter]
    public ParameterMode ParameterMode { get; set; } = ParameterMode.Keep;

    [Parameter]
    [ValidateRange(0d, 1e9)]
    public double AlertThresholdMs { get; set; } = QueryThresholds.SlowQueryMs;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SpoolPath { get; set; }

    protected override void ProcessRecord()
    {
        // Bad -Parameters is the caller's mistake: say so before running anything.
        string? parameters = null;
        try
        {
            parameters = Engine.QueryLog.ParametersJson(Parameters);
            if (parameters is not null)
                QueryParameters.Apply(parameters, ParameterMode.Keep);
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var failed = false;
        var stopped = false;
        var steppable = Runner.GetSteppablePipeline(CommandOrigin.Internal, new object[] { ScriptBlock });
        try
        {
            steppable.Begin(this);
            steppable.Process();
            steppable.End();
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C or Select-Object -First downstream: not a failure of the query.
            stopped = true;
            throw;
        }
        catch (FlowControlException)
        {
            throw;
        }
        catch (Exception)
        {
            failed = true;
            throw;
        }
        finally
        {
            clock.Stop();
            steppable.Dispose();
            // A block that really ran longer than the log accepts is recorded at the maximum rather than lost.
            Log(Math.Min(clock.Elapsed.TotalMilliseconds, QueryLogRules.MaxDurationMs), failed, started, parameters, canWrite: !stopped);
        }
    }

    private void Log(double durationMs, bool failed, DateTimeOffset started, string? parameters, bool canWrite)
    {
        try
        {
            var warnings = new List<string>();
            var entry = QueryLogRules.Create(Name, durationMs, started, Endpoint, UserId, parameters, ParameterMode, failed, warnings);
            var target = ResolveConnection();
            var options = new QuerySendOptions { SpoolDirectory = SpoolPath, AlertThresholdMs = AlertThresholdMs };
            // The first call for a target writes at once; later calls queue the record and return at once.
            var result = Engine.QueryLog.Log(target, entry, options);
            if (canWrite)
            {
                foreach (var w in warnings) WriteWarning(w);
                if (result is not null) new SendReporter(this).Report(result);
            }
        }
        catch (PgPerfException ex)
        {
            if (canWrite) WriteWarning($"Measure-PgQuery could not log '{Name}': {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            if (canWrite) WriteWarning($"Measure-PgQuery could not log '{Name}': {ex.Message}");
        }
    }
}
