using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace PgPerf;

// Many targets per call (issue 17): the one place that turns "-Connection db1, db2, ..." or a pipeline of targets
// into work per target, in parallel, with one error per failed target and progress. Cmdlets implement
// ProcessTarget(target) and write as usual; the Write*/ShouldProcess methods below carry what a worker writes to
// the pipeline thread, the only thread PowerShell lets write.

public abstract partial class PgPerfCmdletBase
{
    // Set on a worker thread while it runs one target; null on the pipeline thread.
    private readonly AsyncLocal<TargetSink?> _sink = new();

    private protected TargetSink? CurrentSink
    {
        get => _sink.Value;
        set => _sink.Value = value;
    }

    /// <summary>Stops the workers of a parallel run (the pipeline was stopped or a target failed unexpectedly).</summary>
    private protected void CancelWork() => _cancellation.Cancel();

    // Objects, errors, warnings and debug text of a target are written together when the target is done,
    // so one target's rows stay together; verbose text, progress and questions (ShouldProcess) go through at once.
    public new void WriteObject(object? sendToPipeline)
    {
        if (CurrentSink is { } sink) sink.Buffer(() => base.WriteObject(sendToPipeline));
        else base.WriteObject(sendToPipeline);
    }

    public new void WriteObject(object? sendToPipeline, bool enumerateCollection)
    {
        if (CurrentSink is { } sink) sink.Buffer(() => base.WriteObject(sendToPipeline, enumerateCollection));
        else base.WriteObject(sendToPipeline, enumerateCollection);
    }

    public new void WriteError(ErrorRecord errorRecord)
    {
        if (CurrentSink is { } sink) sink.Buffer(() => base.WriteError(errorRecord));
        else base.WriteError(errorRecord);
    }

    public new void WriteWarning(string text)
    {
        if (CurrentSink is { } sink) sink.Buffer(() => base.WriteWarning(text));
        else base.WriteWarning(text);
    }

    public new void WriteDebug(string text)
    {
        if (CurrentSink is { } sink) sink.Buffer(() => base.WriteDebug(text));
        else base.WriteDebug(text);
    }

    public new void WriteVerbose(string text)
    {
        if (CurrentSink is { } sink) sink.Live(() => base.WriteVerbose(text));
        else base.WriteVerbose(text);
    }

    public new void WriteProgress(ProgressRecord progressRecord)
    {
        if (CurrentSink is { } sink) sink.Live(() => base.WriteProgress(sink.Own(progressRecord)));
        else base.WriteProgress(progressRecord);
    }

    public new bool ShouldProcess(string target) => Ask(() => base.ShouldProcess(target));

    public new bool ShouldProcess(string target, string action) => Ask(() => base.ShouldProcess(target, action));

    public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption) =>
        Ask(() => base.ShouldProcess(verboseDescription, verboseWarning, caption));

    public new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption, out ShouldProcessReason reason)
    {
        var why = ShouldProcessReason.None;
        var answer = Ask(() => base.ShouldProcess(verboseDescription, verboseWarning, caption, out why));
        reason = why;
        return answer;
    }

    public new bool ShouldContinue(string query, string caption) => Ask(() => base.ShouldContinue(query, caption));

    // A worker's question (-WhatIf, -Confirm) is asked on the pipeline thread; the worker waits for the answer.
    private bool Ask(Func<bool> question)
    {
        if (CurrentSink is not { } sink)
            return question();
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        sink.Live(() =>
        {
            try { answer.SetResult(question()); }
            catch (Exception ex) { answer.SetException(ex); }
        });
        return answer.Task.WaitAsync(CancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>What one worker writes while it runs one target.</summary>
    private protected sealed class TargetSink(int index, string label, BlockingCollection<Action> messages, int? parentProgressId)
    {
        public int Index { get; } = index;

        /// <summary>Written when the target is done; only its worker adds to it, and only before it queues the finish.</summary>
        public List<Action> Buffered { get; } = new();

        public void Buffer(Action write) => Buffered.Add(write);

        public void Live(Action write) => messages.Add(write);

        /// <summary>A cmdlet's own progress, renamed per target so that parallel targets do not overwrite each other's bar.</summary>
        public ProgressRecord Own(ProgressRecord record) =>
            new(HashCode.Combine(record.ActivityId, Index) & 0x7fffffff, $"{label}: {record.Activity}", record.StatusDescription)
            {
                CurrentOperation = record.CurrentOperation,
                PercentComplete = record.PercentComplete,
                SecondsRemaining = record.SecondsRemaining,
                RecordType = record.RecordType,
                ParentActivityId = parentProgressId ?? -1,
            };
    }
}

public abstract partial class PgPerfCmdlet
{
    /// <summary>Targets run at the same time unless -ThrottleLimit says otherwise.</summary>
    public const int DefaultThrottleLimit = 8;

    public const int MaxThrottleLimit = 128;

    /// <summary>A call with more targets than this shows a progress bar of the targets.</summary>
    public const int ProgressAboveTargets = 3;

    private const int TargetsProgressId = 0x1717;

    private readonly List<ResolvedTarget> _pipelineTargets = new();
    private HashSet<string>? _commandLineParameters;

    /// <summary>A -Connection value resolved, or the error that says why it could not be.</summary>
    private readonly record struct ResolvedTarget(PgConnectionInfo? Info, PgPerfException? Error, string Label);

    /// <summary>
    /// True for a cmdlet that works on one server per call (say why in its help): several targets in one call are
    /// refused with PgPerf.Connection.SingleTarget. Piped rows, each with its own Connection, still work row by row.
    /// </summary>
    protected virtual bool SingleTarget => false;

    /// <summary>
    /// Whether the failure of the only target of a call is a terminating error (the behaviour before many targets,
    /// which scripts with try/catch rely on). With several targets, or targets from the pipeline, it never is.
    /// </summary>
    protected virtual bool TargetFailureTerminates => true;

    /// <summary>True while a call works on several targets (or on targets from the pipeline).</summary>
    protected bool ManyTargets { get; private set; }

    /// <summary>The cmdlet's work on one target. Throw PgPerfException for a failure of the whole target.</summary>
    protected virtual void ProcessTarget(PgConnectionInfo target) =>
        throw new NotSupportedException($"{GetType().Name} overrides ProcessRecord and does not work per target.");

    protected override void BeginProcessing() =>
        _commandLineParameters = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);

    protected override void ProcessRecord()
    {
        List<ResolvedTarget> targets;
        try
        {
            targets = ResolveTargets();
        }
        catch (PgPerfException ex)
        {
            ThrowTerminating(ex);
            return;
        }

        // Targets alone from the pipeline ('db1','db2' | Get-PgActivity, Import-Csv servers.csv | ...) are gathered
        // and run together at the end, in parallel (for a SingleTarget cmdlet: refused there when they are several).
        // A record that brings its own items (Index, Pid, Table, ...) runs now, with those items.
        if (OnlyTargetsFromPipeline())
        {
            _pipelineTargets.AddRange(targets);
            return;
        }
        RunTargets(targets);
    }

    protected override void EndProcessing()
    {
        if (_pipelineTargets.Count == 0)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        RunTargets(_pipelineTargets.Where(t => t.Info is null || seen.Add(t.Info.CacheKey)).ToList());
    }

    private bool OnlyTargetsFromPipeline() =>
        MyInvocation.ExpectingInput && _commandLineParameters is not null
        && MyInvocation.BoundParameters.Keys.All(name => name.Equals(nameof(Connection), StringComparison.OrdinalIgnoreCase) || _commandLineParameters.Contains(name));

    /// <summary>Runs ProcessTarget on targets the cmdlet found itself (a repository's registered servers), as if given in -Connection.</summary>
    private protected void RunTargets(IEnumerable<(PgConnectionInfo Target, string Label)> targets) =>
        RunTargets(targets.Select(t => new ResolvedTarget(t.Target, null, t.Label)).ToList());

    private void RunTargets(List<ResolvedTarget> targets)
    {
        if (targets.Count == 0)
            return;
        if (SingleTarget && targets.Count > 1)
        {
            ThrowTerminating(SeveralTargets(targets.Count));
            return;
        }
        ManyTargets = targets.Count > 1 || MyInvocation.ExpectingInput;
        var terminating = !ManyTargets && TargetFailureTerminates;
        if (targets.Count == 1 || ThrottleLimit == 1)
            RunInOrder(targets, terminating);
        else
            RunInParallel(targets);
    }

    private void RunInOrder(List<ResolvedTarget> targets, bool terminating)
    {
        var progress = targets.Count > ProgressAboveTargets ? new TargetsProgress(this, targets.Count) : null;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            progress?.Started(target.Label);
            try
            {
                if (target.Error is not null)
                    throw target.Error;
                RunTarget(target.Info!, targets.Count);
            }
            catch (PgPerfException ex)
            {
                if (terminating)
                    ThrowTerminating(ex);
                WriteError(TargetError(ex, target));
            }
            progress?.Finished(target.Label);
        }
        progress?.Complete();
    }

    private void RunInParallel(List<ResolvedTarget> targets)
    {
        var messages = new BlockingCollection<Action>();
        var progress = targets.Count > ProgressAboveTargets ? new TargetsProgress(this, targets.Count) : null;
        var next = -1;
        var workers = new Task[Math.Min(ThrottleLimit, targets.Count)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < targets.Count && !CancellationToken.IsCancellationRequested)
                {
                    var target = targets[i];
                    var sink = new TargetSink(i, target.Label, messages, progress is null ? null : TargetsProgressId);
                    messages.Add(() => progress?.Started(target.Label));
                    Exception? failure = target.Error;
                    if (failure is null)
                    {
                        CurrentSink = sink;
                        try
                        {
                            RunTarget(target.Info!, targets.Count);
                        }
                        catch (Exception ex)
                        {
                            failure = ex;
                        }
                        finally
                        {
                            CurrentSink = null;
                        }
                    }
                    messages.Add(() => Finish(target, sink, failure, progress));
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        Task.WhenAll(workers).ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);

        try
        {
            foreach (var message in messages.GetConsumingEnumerable(CancellationToken))
                message();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: StopProcessing cancelled the token, which also stops the workers' queries.
            throw new PipelineStoppedException();
        }
        catch
        {
            // Select-Object -First downstream, or a failure that is not a target's: the workers stop too.
            CancelWork();
            throw;
        }
        progress?.Complete();
    }

    private void RunTarget(PgConnectionInfo target, int count)
    {
        // Of many servers, one that cannot be reached is one error, not one per step or check that tries it.
        if (count > 1)
            Engine.Test(ReachedFor(target), CancellationToken);
        ProcessTarget(target);
    }

    // On the pipeline thread: a target's writes, then its error.
    private void Finish(ResolvedTarget target, TargetSink sink, Exception? failure, TargetsProgress? progress)
    {
        foreach (var write in sink.Buffered)
            write();
        switch (failure)
        {
            case null:
                break;
            case PgPerfException ex:
                WriteError(TargetError(ex, target));
                break;
            default:
                // Not a target's failure (a stop, a bug): end the call as it would have ended with one target.
                CancelWork();
                ExceptionDispatchInfo.Capture(failure).Throw();
                break;
        }
        progress?.Finished(target.Label);
    }

    /// <summary>One non-terminating error for a failed target: its id stays, the message and TargetObject name the target.</summary>
    private ErrorRecord TargetError(PgPerfException ex, ResolvedTarget target)
    {
        // A registered server by its registered name (its address alone does not say which); another target by its address, unless the message has it.
        var named = target.Info is null ? ex
            : RegisteredLabel(target.Info) is { } registered ? ex.NamingServer(registered)
            : ex.Message.Contains(target.Info.Server, StringComparison.Ordinal) || ex.Message.Contains(target.Info.Endpoint, StringComparison.Ordinal) ? ex
            : ex.NamingServer(target.Info.Server);
        // TargetObject is the target itself (it never shows the password), so failed targets can be run again:
        // $errors.TargetObject | Get-PgActivity.
        return ToErrorRecord(named, (object?)target.Info ?? target.Label);
    }

    private PgPerfException SeveralTargets(int count) =>
        new(PgPerfErrorIds.Connection.SingleTarget, PgPerfErrorKind.InvalidArgument,
            $"{MyInvocation.MyCommand.Name} works on one server per call, and -Connection gave {count}. Run it once per server (ForEach-Object), " +
            "or pipe rows that carry their own Connection.")
        { ParameterName = nameof(Connection) };

    /// <summary>The progress bar of a call over many targets: how many are done, and which are running.</summary>
    private sealed class TargetsProgress(PgPerfCmdlet cmdlet, int total)
    {
        private readonly List<string> _running = new();
        private int _done;

        public void Started(string label)
        {
            _running.Add(label);
            Show();
        }

        public void Finished(string label)
        {
            _running.Remove(label);
            _done++;
            Show();
        }

        public void Complete() =>
            cmdlet.WriteProgress(new ProgressRecord(TargetsProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });

        private string Activity => $"{cmdlet.MyInvocation.MyCommand.Name} on {total} servers";

        private void Show() =>
            cmdlet.WriteProgress(new ProgressRecord(TargetsProgressId, Activity, $"{_done} of {total} done")
            {
                PercentComplete = 100 * _done / total,
                CurrentOperation = _running.Count == 0 ? "" : "Running: " + string.Join(", ", _running),
            });
    }
}
