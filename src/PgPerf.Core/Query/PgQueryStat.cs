namespace PgPerf;

/// <summary>How Get-PgQueryStat groups rows.</summary>
public enum QueryStatGroupBy : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    None,
    Query,
    Endpoint,
}

/// <summary>Statistics over a time window, overall or per query hash or endpoint. Percentiles are percentile_cont, from rollups within QueryDigest.RelativeError (about 1 %).</summary>
public sealed class PgQueryStat : PgServerRecord
{
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    public QueryStatGroupBy GroupBy { get; set; }

    /// <summary>Set when grouped by query.</summary>
    public string? QueryHash { get; set; }

    /// <summary>A sample text of the group (grouped by query).</summary>
    public string? QueryText { get; set; }

    /// <summary>Set when grouped by endpoint (null is the group of rows without an endpoint).</summary>
    public string? Endpoint { get; set; }

    public long TotalQueries { get; set; }

    /// <summary>Executions at or over SlowThresholdMs.</summary>
    public long SlowQueries { get; set; }

    public long ErrorQueries { get; set; }
    public double SlowThresholdMs { get; set; }

    // Null when the window has no rows.
    public double? AvgDurationMs { get; set; }
    public double? P50DurationMs { get; set; }
    public double? P95DurationMs { get; set; }
    public double? P99DurationMs { get; set; }
    public double? MinDurationMs { get; set; }
    public double? MaxDurationMs { get; set; }

    /// <summary>Sum of durations: what the group cost in total (grouped rows are ordered by it).</summary>
    public double TotalDurationMs { get; set; }

    public QueryStatus Status { get; set; }

    // The server's pg_stat_statements figures for the same QueryHash in the same window (grouped by query;
    // null when no snapshot saw the statement). See Get-PgTopStatement.
    public long? ServerCalls { get; set; }
    public double? ServerMeanTimeMs { get; set; }
    public long? ServerRows { get; set; }
    public long? ServerSharedBlocksRead { get; set; }
    public double? ServerSharedHitRatio { get; set; }
}
