@{
    Synopsis    = 'Captures the usage counters of every user index into pgperf.index_usage_snapshots.'
    Description = @'
Invoke-PgIndexSnapshot runs pgperf.capture_index_usage_snapshot(): one set-based INSERT ... SELECT over pg_stat_user_indexes that stores, per index, idx_scan, idx_tup_read, idx_tup_fetch, the size (from pg_class.relpages, so no lock is taken per index), the unique/primary/constraint/valid flags, the database's stats_reset and the server start time. Run it hourly (Invoke-PgHourlyMonitoring does); Get-PgUnusedIndex and Get-PgIndexTrend read this history, which is keyed by schema and index name so it survives REINDEX CONCURRENTLY.

Returns a PgSnapshotResult with Kind = Index, the number of rows written, the capture time and the duration. Indexes in schema pgperf are not captured.
'@
    Parameters  = @{}
    Examples    = @(
        @{
            Title   = 'Take a snapshot of the session default database'
            Code    = 'Invoke-PgIndexSnapshot'
            Remarks = 'Writes one row per user index and shows Kind, Count, CapturedAt and DurationMs.'
        }
        @{
            Title   = 'Snapshot several databases'
            Code    = @'
'db1:5432/app', 'db2:5432/app' | ForEach-Object { Invoke-PgIndexSnapshot -Connection $_ }
'@
            Remarks = 'Each database keeps its own history in its own pgperf schema.'
        }
    )
    Links       = @('Get-PgUnusedIndex', 'Get-PgIndexTrend')
}
