using System.Reflection;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace PgPerf.Engine.Operations;

/// <summary>One step of a job: a name and the work, which returns how many things it handled.</summary>
internal sealed record JobStepDefinition(string Name, Func<JobStepContext, long> Run);

/// <summary>Thrown by a step that cannot run here for a reason the operator already knows how to fix: the step is Skipped with that reason, not Failed.</summary>
internal sealed class JobStepSkippedException : Exception
{
    public JobStepSkippedException(string reason) : base(reason) { }
}

/// <summary>What a step gets: the target, the job's options, cancellation, and area services.</summary>
internal sealed class JobStepContext
{
    private readonly List<string> _warnings;

    internal JobStepContext(PgServerContext server, PgJobOptions options, List<string> warnings, CancellationToken cancellation)
    {
        Server = server;
        Options = options;
        _warnings = warnings;
        Cancellation = cancellation;
    }

    public PgServerContext Server { get; }
    public PgJobOptions Options { get; }
    public CancellationToken Cancellation { get; }

    /// <summary>A note shown on the step (PgJobStep.Message).</summary>
    public string? Message { get; set; }

    /// <summary>An area service for this target, found the same way IPgPerfEngine.Get does.</summary>
    public T Service<T>() where T : class => (T)PgPerfEngine.CreateService(typeof(T), Server);

    /// <summary>Something the operator should act on; the cmdlet writes it as a warning.</summary>
    public void Warn(string text) => _warnings.Add(text);
}

/// <summary>
/// Runs a job's steps in order under a per-job advisory lock. Every step runs even when an earlier one
/// failed; each is timed; a failure becomes the step's Error (and a job_failure alert), never an exception.
/// </summary>
internal sealed class JobRunner
{
    internal const string LockHeldMessage = "another run holds the lock";
    internal const string AlertStepName = "job failure alerts";
    internal const string AlertType = "job_failure";

    private readonly PgServerContext _context;

    public JobRunner(PgServerContext context) => _context = context;

    /// <summary>Advisory-lock key of a job (per database), distinct from the schema installer's key.</summary>
    internal static long LockKey(PgJobKind job) => 0x5047_5045_5246_0100 + (long)job;

    public PgJobResult Run(PgJobKind job, IReadOnlyList<JobStepDefinition> steps, PgJobOptions options, CancellationToken cancellationToken)
    {
        var result = new PgJobResult { Job = job, StartedAt = DateTimeOffset.UtcNow };
        result.From(_context.Info);
        var warnings = new List<string>();
        var done = new List<PgJobStep>();

        // The lock lives on its own session for the whole run; the steps use pooled connections.
        NpgsqlConnection lockConnection;
        bool locked;
        try
        {
            (lockConnection, locked) = OpenAndLock(job, cancellationToken);
        }
        catch (PgPerfException ex) when (ex.Kind == PgPerfErrorKind.ConnectionError)
        {
            try
            {
                // A pooled session can be dead after a server restart (the pool is cleared now): one more try.
                (lockConnection, locked) = OpenAndLock(job, cancellationToken);
            }
            catch (PgPerfException again) when (again.Kind == PgPerfErrorKind.ConnectionError)
            {
                // Unreachable: every step failed for the same reason, and no alert can be written.
                done.AddRange(steps.Select(s => new PgJobStep { Name = s.Name, Status = PgJobStepStatus.Failed, Error = again.Message, ErrorId = again.ErrorId }));
                done.Add(new PgJobStep { Name = AlertStepName, Status = PgJobStepStatus.Failed, Error = again.Message, ErrorId = again.ErrorId,
                    Message = "no job_failure alert could be written: the server cannot be reached" });
                result.Steps = done.ToArray();
                result.FinishedAt = DateTimeOffset.UtcNow;
                return result;
            }
        }
        using var _ = lockConnection;
        if (!locked)
        {
            done.Add(new PgJobStep { Name = "lock", Status = PgJobStepStatus.Skipped, Message = LockHeldMessage });
            result.Steps = done.ToArray();
            result.FinishedAt = DateTimeOffset.UtcNow;
            return result;
        }

        try
        {
            foreach (var step in steps)
                done.Add(RunStep(step.Name, s => step.Run(s), options, warnings, cancellationToken));
            var failed = done.Where(s => s.Status == PgJobStepStatus.Failed).ToList();
            var succeeded = done.Where(s => s.Status == PgJobStepStatus.Succeeded).Select(s => s.Name).ToList();
            done.Add(RunStep(AlertStepName, s => RaiseFailureAlerts(s, job, failed, succeeded), options, warnings, cancellationToken));
        }
        finally
        {
            Unlock(lockConnection, job);
        }

        result.Steps = done.ToArray();
        result.Warnings = warnings.ToArray();
        result.FinishedAt = DateTimeOffset.UtcNow;
        return result;
    }

    private PgJobStep RunStep(string name, Func<JobStepContext, long> work, PgJobOptions options, List<string> warnings, CancellationToken cancellationToken)
    {
        var step = new PgJobStep { Name = name };
        var context = new JobStepContext(_context, options, warnings, cancellationToken);
        var sw = Stopwatch.StartNew();
        try
        {
            step.Count = work(context);
            step.Status = PgJobStepStatus.Succeeded;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (JobStepSkippedException skipped)
        {
            step.Status = PgJobStepStatus.Skipped;
            step.Message = skipped.Message;
        }
        catch (Exception ex)
        {
            var translated = PgErrors.Translate(ex is TargetInvocationException { InnerException: { } inner } ? inner : ex, _context.Info, connecting: false);
            step.Status = PgJobStepStatus.Failed;
            step.Error = translated.Message;
            step.ErrorId = translated.ErrorId;
        }
        step.DurationMs = sw.Elapsed.TotalMilliseconds;
        step.Message ??= context.Message;
        return step;
    }

    /// <summary>One open job_failure alert per failed step; the alerts of steps that now succeed resolve themselves.</summary>
    private static long RaiseFailureAlerts(JobStepContext s, PgJobKind job, List<PgJobStep> failed, List<string> succeeded)
    {
        var (raised, resolved) = ApplyFailureAlerts(s.Server, StatementServer.Local, job, failed, succeeded, s.Cancellation);
        s.Message = $"{raised} raised, {resolved} resolved";
        return raised;
    }

    /// <summary>
    /// The job_failure alerts of server <paramref name="serverId"/> (0 = this database; a registered server in a repository,
    /// whose per-server steps ran) written in <paramref name="alertsDatabase"/>: one open alert per failed step, the alerts
    /// of its steps that now succeed resolved. Returns how many were raised and resolved.
    /// </summary>
    internal static (int Raised, int Resolved) ApplyFailureAlerts(PgServerContext alertsDatabase, int serverId, PgJobKind job,
        IReadOnlyList<PgJobStep> failed, IEnumerable<string> succeeded, CancellationToken cancellationToken)
    {
        var alerts = new AlertService(alertsDatabase);
        var jobName = PgScheduleRenderer.JobName(job);
        foreach (var step in failed)
        {
            var details = new Dictionary<string, object?> { ["job"] = jobName, ["step"] = step.Name, ["error_id"] = step.ErrorId, ["error"] = step.Error };
            alerts.Raise(serverId, AlertType, PgAlertSeverity.Warning, $"{jobName} job: {step.Name}",
                $"Step '{step.Name}' of the {jobName} job failed: {step.Error}", details, DedupKey(job, step.Name), cancellationToken);
        }

        var resolveKeys = succeeded.Select(name => DedupKey(job, name)).ToArray();
        var resolved = alertsDatabase.Run(async connection =>
        {
            // resolve_stale_server_alerts keeps the keys it is given; keep every open job_failure alert except this job's steps that succeeded.
            await using var command = new NpgsqlCommand(SqlResources.Get("queries/job_resolve_step_alerts.sql"), connection);
            command.Parameters.AddWithValue("server_id", serverId);
            command.Parameters.AddWithValue("type", AlertType);
            command.Parameters.Add(new NpgsqlParameter("resolve", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = resolveKeys });
            return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
        return (failed.Count, resolved);
    }

    internal static string DedupKey(PgJobKind job, string step) => $"{AlertType}:{PgScheduleRenderer.JobName(job)}:{step}";

    private (NpgsqlConnection, bool) OpenAndLock(PgJobKind job, CancellationToken cancellationToken)
    {
        var connection = _context.OpenAsync(cancellationToken).GetAwaiter().GetResult();
        try
        {
            return (connection, TryLock(connection, job, cancellationToken));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private bool TryLock(NpgsqlConnection connection, PgJobKind job, CancellationToken cancellationToken)
    {
        try
        {
            using var command = new NpgsqlCommand(SqlResources.Get("queries/job_try_lock.sql"), connection);
            command.Parameters.AddWithValue("key", LockKey(job));
            return (bool)command.ExecuteScalar()!;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw _context.Lost(PgErrors.Translate(ex, _context.Info, connecting: false));
        }
    }

    private static void Unlock(NpgsqlConnection connection, PgJobKind job)
    {
        try
        {
            using var command = new NpgsqlCommand(SqlResources.Get("queries/job_unlock.sql"), connection);
            command.Parameters.AddWithValue("key", LockKey(job));
            command.ExecuteScalar();
        }
        catch (NpgsqlException)
        {
            // A broken session has lost the lock already.
        }
    }
}
