namespace PgPerf;

/// <summary>What one snapshot run captured (Invoke-PgIndexSnapshot, Invoke-PgBloatSnapshot).</summary>
public sealed class PgSnapshotResult : PgServerRecord
{
    public string Kind { get; init; } = "";
    public int Count { get; init; }
    public DateTimeOffset CapturedAt { get; init; }
    public double DurationMs { get; init; }
    public string[] Skipped { get; init; } = Array.Empty<string>();
}
