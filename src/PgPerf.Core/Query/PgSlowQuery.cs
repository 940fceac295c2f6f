namespace PgPerf;

/// <summary>One logged execution at or over the slow threshold (Get-PgSlowQuery, pgperf.get_slow_queries).</summary>
public sealed class PgSlowQuery : PgServerRecord
{
    public long Id { get; set; }
    public DateTimeOffset LoggedAt { get; set; }
    public string QueryText { get; set; } = "";
    public string? QueryHash { get; set; }
    public double DurationMs { get; set; }
    public string? Endpoint { get; set; }
    public string? UserId { get; set; }

    /// <summary>The parameters as JSON text, or null.</summary>
    public string? Parameters { get; set; }

    public bool IsError { get; set; }
    public bool QueryTruncated { get; set; }

    public override string ToString() => $"{QueryHash} {DurationMs:0.#} ms";
}
