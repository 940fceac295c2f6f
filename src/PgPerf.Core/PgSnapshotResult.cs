namespace PgPerf;

/// <summary>What one snapshot call wrote (Invoke-PgIndexSnapshot, Invoke-PgBloatSnapshot).</summary>
public sealed class PgSnapshotResult : PgServerRecord
{
    /// <summary>Which snapshot: Index or Bloat.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Rows written.</summary>
    public int Count { get; init; }

    public DateTimeOffset CapturedAt { get; init; }

    public double DurationMs { get; init; }

    /// <summary>Objects left out, with the reason (for example a table that was dropped meanwhile).</summary>
    public PgList<string> Skipped { get; init; } = PgList<string>.None;
}
