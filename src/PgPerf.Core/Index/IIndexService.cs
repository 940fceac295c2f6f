namespace PgPerf;

/// <summary>Index health (spec section 2): snapshots, unused, trends, duplicates, invalid, safe drop.</summary>
public interface IIndexService
{
    /// <summary>Runs pgperf.capture_index_usage_snapshot().</summary>
    PgSnapshotResult CaptureSnapshot(CancellationToken cancellationToken);

    /// <summary>Every user index with its verdict (Active ones included; the cmdlet filters).</summary>
    IReadOnlyList<PgUnusedIndex> GetUnusedIndexes(PgUnusedIndexOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one 'unused_index' alert (dedup key unused_index:schema.index) per ConsiderDropping index and
    /// resolves the open ones whose index is used again or gone. The daily job calls this.
    /// </summary>
    PgIndexAlertCheck CheckUnusedIndexAlerts(PgUnusedIndexOptions options, CancellationToken cancellationToken);

    /// <summary>Per index per day: scans, tuples read and size. Schema null means any schema (must be unique).</summary>
    IReadOnlyList<PgIndexTrend> GetTrend(string? schema, string table, string? index, int days, CancellationToken cancellationToken);

    /// <summary>
    /// The same, for a server registered in this repository (null: this database), from the index usage history stored
    /// for it (Invoke-PgIndexSnapshot -Repository); its table is known by the tables of its latest snapshot, and Server
    /// on every row is its registered name.
    /// </summary>
    IReadOnlyList<PgIndexTrend> GetTrend(string? schema, string table, string? index, int days, PgMonitoredServer? server, CancellationToken cancellationToken);

    IReadOnlyList<PgDuplicateIndex> GetDuplicates(CancellationToken cancellationToken);

    IReadOnlyList<PgInvalidIndex> GetInvalid(CancellationToken cancellationToken);

    /// <summary>Finds the index and builds the statements; refuses constraint-backed indexes. Changes nothing.</summary>
    PgIndexDropPlan PlanDrop(string? schema, string index, int lockTimeoutSeconds, CancellationToken cancellationToken);

    /// <summary>Logs the rollback DDL in pgperf.index_drop_log, then runs DROP INDEX CONCURRENTLY.</summary>
    PgIndexDropResult Drop(PgIndexDropPlan plan, CancellationToken cancellationToken);
}
