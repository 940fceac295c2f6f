namespace PgPerf;

/// <summary>The scheduled jobs of the spec.</summary>
public enum PgJobKind : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Hourly,
    Daily,
}

public enum PgJobStepStatus : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One step of a job run.</summary>
public sealed class PgJobStep
{
    public string Name { get; set; } = "";
    public PgJobStepStatus Status { get; set; }

    /// <summary>What the step handled: rows captured, rows deleted, alerts raised.</summary>
    public long Count { get; set; }

    public double DurationMs { get; set; }

    /// <summary>The failure, for a Failed step.</summary>
    public string? Error { get; set; }

    /// <summary>The stable error id of the failure (PgPerf.*), for a Failed step.</summary>
    public string? ErrorId { get; set; }

    /// <summary>Why a step was skipped, or a note from a step that ran.</summary>
    public string? Message { get; set; }

    public override string ToString() => $"{Name}: {Status}";
}

/// <summary>The result of Invoke-PgHourlyMonitoring or Invoke-PgDailyMaintenance.</summary>
public sealed class PgJobResult : PgServerRecord
{
    public PgJobKind Job { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public double DurationMs => (FinishedAt - StartedAt).TotalMilliseconds;

    /// <summary>True when no step failed (a run skipped because another run holds the lock succeeds).</summary>
    public bool Succeeded => Steps.All(s => s.Status != PgJobStepStatus.Failed);

    public PgList<PgJobStep> Steps { get; set; } = PgList<PgJobStep>.None;

    /// <summary>Things the operator should act on (for example VACUUM due after retention).</summary>
    public PgList<string> Warnings { get; set; } = PgList<string>.None;

    public override string ToString() => $"{Job} job on {Server}: {(Succeeded ? "succeeded" : "failed")}";
}

/// <summary>Settings of the job steps; each area adds its own properties here.</summary>
public sealed record PgJobOptions
{
    public PgRetentionOptions Retention { get; init; } = new();

    /// <summary>
    /// The daily job of a central repository (Invoke-PgDailyMaintenance -Repository): also raises each registered
    /// server's unused-index alerts from the repository's history.
    /// </summary>
    public bool RegisteredServers { get; init; }
}
