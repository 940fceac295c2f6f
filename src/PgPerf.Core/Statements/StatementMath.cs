namespace PgPerf;

/// <summary>Arithmetic of pg_stat_statements' counters that needs no database.</summary>
public static class StatementMath
{
    /// <summary>The population standard deviation of every execution in a window, from its sums (0 without calls).</summary>
    public static double PooledStddev(long calls, double totalMs, double sumOfSquares)
    {
        // sumOfSquares is calls * (stddev^2 + mean^2) summed over intervals (pgperf.statement_read_sql builds it from
        // pg_stat_statements' mean and population stddev): unlike a stddev it can be subtracted and added.
        if (calls <= 0) return 0;
        var mean = totalMs / calls;
        // Differences of large sums lose a little precision; a variance below zero is rounding, not data.
        return Math.Sqrt(Math.Max(sumOfSquares / calls - mean * mean, 0));
    }
}
