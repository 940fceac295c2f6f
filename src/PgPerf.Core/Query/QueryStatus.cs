namespace PgPerf;

/// <summary>Health of a group of queries by average duration (spec: Good &lt; 100 ms, Warning 100–500, Critical &gt; 500).</summary>
public enum QueryStatus : long // Int64-based: ConvertTo-Json writes the name, not a number (PgServerRecord).
{
    /// <summary>No query in the window.</summary>
    NoData,
    Good,
    Warning,
    Critical,
}

public static class QueryThresholds
{
    public const double GoodBelowMs = 100;
    public const double CriticalAboveMs = 500;

    /// <summary>Default for -MinDurationMs, slow counts and the slow-query alert (spec: individual queries over 500 ms).</summary>
    public const double SlowQueryMs = 500;

    /// <summary>Good below 100 ms, Warning from 100 through 500 ms, Critical above 500 ms; NoData when there is no average.</summary>
    public static QueryStatus Classify(double? averageMs) => averageMs switch
    {
        null or double.NaN => QueryStatus.NoData,
        < GoodBelowMs => QueryStatus.Good,
        <= CriticalAboveMs => QueryStatus.Warning,
        _ => QueryStatus.Critical,
    };
}
