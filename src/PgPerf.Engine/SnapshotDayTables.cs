namespace PgPerf.Engine;

/// <summary>
/// The per-server snapshot tables range-partitioned by UTC day with a default partition (migration 033's
/// pgperf.snapshot_day_tables(), which a test holds this list to), by their name in schema pgperf: the partition
/// functions take that name, and retention and its results name them schema-qualified.
/// </summary>
internal static class SnapshotDayTables
{
    internal const string Schema = "pgperf";
    internal const string IndexUsage = "index_usage_snapshots";
    internal const string TableBloat = "table_bloat_snapshots";

    /// <summary>A repository's health check results per server (migration 030).</summary>
    internal const string HealthChecks = "health_check_history";

    /// <summary>A repository's index bloat estimates per server (migration 030).</summary>
    internal const string IndexBloat = "index_bloat_snapshots";

    internal static readonly string[] All = { IndexUsage, TableBloat, HealthChecks, IndexBloat };

    /// <summary>pgperf.&lt;table&gt;.</summary>
    internal static string Qualified(string table) => $"{Schema}.{table}";

    /// <summary>The name in schema pgperf of a table named schema-qualified.</summary>
    internal static string Unqualified(string qualified) => qualified[(Schema.Length + 1)..];
}
