using System.Management.Automation;

namespace PgPerf.Commands;

/// <summary>
/// Shared by the job cmdlets: asks (-WhatIf, -Confirm) once per target before anything runs, runs the job, writes its PgJobResult, a warning for each thing to act on,
/// and a non-terminating error per failed step (with several servers, one per server that had failed steps),
/// so $? is false and 'pwsh -Command' exits 1 for schedulers.
/// </summary>
public abstract class PgJobCmdlet : PgPerfCmdlet
{
    protected abstract PgJobKind Job { get; }

    protected virtual PgJobOptions Options => new();

    /// <summary>Under -WhatIf, after the job's own line: what its steps would change (nothing is changed).</summary>
    protected virtual void DescribeWhatIf(PgConnectionInfo target)
    {
    }

    protected override void ProcessTarget(PgConnectionInfo target)
    {
        var jobs = Engine.Get<IJobService>(target);
        try
        {
            Engine.Get<ISchemaService>(target).EnsureInstalled(CancellationToken);
        }
        catch (PgPerfException ex) when (ex.Kind == PgPerfErrorKind.ConnectionError)
        {
            // Server down: the runner tries once more and reports every step as failed with the reason.
            WriteVerbose(ex.Message);
        }
        var where = $"database {target.Database ?? "(default)"} on {target.Endpoint}";
        var run = $"Run the {Job} job ({string.Join(", ", jobs.StepNames(Job))})";
        if (!ShouldProcess($"Performing the operation \"{run}\" on target \"{where}\".",
                $"Are you sure you want to perform this action?\n{run} on {where}.", "Confirm", out var reason))
        {
            if (reason == ShouldProcessReason.WhatIf)
                DescribeWhatIf(target);
            return;
        }
        WriteVerbose($"Running the {Job} job on {target.Server}.");
        Report(target, jobs.Run(Job, Options, CancellationToken));
    }

    /// <summary>Writes a job's result, its warnings, and its failed steps as errors.</summary>
    private protected void Report(PgConnectionInfo target, PgJobResult result)
    {
        WriteObject(result);
        foreach (var step in result.Steps)
        {
            if (step.Status == PgJobStepStatus.Skipped)
                WriteVerbose($"Step '{step.Name}' skipped: {step.Message}.");
        }
        foreach (var warning in result.Warnings)
            WriteWarning(warning);
        var failed = result.Steps.Where(s => s.Status == PgJobStepStatus.Failed).ToList();
        // Many servers: one error per server that had failed steps (the result object lists them all); the fan-out
        // puts the server's name in front (a registered server's as registered), so the message does not repeat it.
        if (ManyTargets && failed.Count > 0)
            throw new PgPerfException(PgPerfErrorIds.Job.StepFailed, PgPerfErrorKind.InvalidOperation,
                $"The {Job} job: {failed.Count} step(s) failed: " +
                string.Join("; ", failed.Select(step => $"'{step.Name}' ({step.ErrorId}): {step.Error}")), target);
        foreach (var step in failed)
        {
            var ex = new PgPerfException(PgPerfErrorIds.Job.StepFailed, PgPerfErrorKind.InvalidOperation,
                $"The {Job} job on {result.Server}: step '{step.Name}' failed ({step.ErrorId}): {step.Error}", step.Name);
            WriteError(ToErrorRecord(ex));
        }
    }
}
