namespace PgPerf;

/// <summary>How a logged record was delivered.</summary>
public enum QueryLogDelivery : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    Pending,

    /// <summary>Written to pgperf.query_performance_logs.</summary>
    Written,

    /// <summary>Kept in the local spool because the database could not be reached; replayed by the next send.</summary>
    Spooled,
}

/// <summary>One logged query execution (what Send-PgQueryLog -PassThru returns).</summary>
public sealed class PgQueryLogEntry : PgServerRecord
{
    /// <summary>Client-generated id; makes spool replay idempotent.</summary>
    public Guid RecordId { get; set; }

    /// <summary>When the execution was logged, UTC, microsecond precision (as PostgreSQL stores it).</summary>
    public DateTimeOffset LoggedAt { get; set; }

    /// <summary>The SQL text or logical name, at most QueryLogRules.MaxQueryTextLength characters.</summary>
    public string QueryText { get; set; } = "";

    public string QueryHash { get; set; } = "";
    public double DurationMs { get; set; }
    public string? Endpoint { get; set; }
    public string? UserId { get; set; }

    /// <summary>The parameters as JSON text (stored as jsonb), or null.</summary>
    public string? Parameters { get; set; }

    public bool IsError { get; set; }

    /// <summary>True when QueryText was cut to the length limit (the hash is of the full text).</summary>
    public bool QueryTruncated { get; set; }

    public QueryLogDelivery Delivery { get; set; }
}
