@{
    Synopsis    = 'Captures the usage counters of every user index into pgperf.index_usage_snapshots.'
    Description = @'
Invoke-PgIndexSnapshot runs pgperf.capture_index_usage_snapshot(): one set-based INSERT ... SELECT over pg_stat_user_indexes that stores, per index, idx_scan, idx_tup_read, idx_tup_fetch, the size (from pg_class.relpages, so no lock is taken per index), the unique/primary/constraint/valid flags, the database's stats_reset and the server start time. Run it hourly (Invoke-PgHourlyMonitoring does); Get-PgUnusedIndex and Get-PgIndexTrend read this history, which is keyed by schema and index name so it survives REINDEX CONCURRENTLY.

Returns a PgSnapshotResult with Kind = Index, the number of rows written, the capture time and the duration. Indexes in schema pgperf are not captured.

With -Repository it snapshots servers registered in a central repository (Add-PgPerfServer) instead: each is read through its own login, which needs only pg_monitor (nothing of PgPerf is installed there), and the counters are stored in the repository's index_usage_snapshots under the server's id, with the same rules as a local snapshot (the step from each index's previous reading of that server, resets, restarts). The servers run in parallel (-ThrottleLimit); each result's Server is the registered name, and a server that cannot be read writes one error and the others go on.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: snapshots its registered servers (all, or those -Server names) into it.'
        Server     = 'With -Repository: the registered names to snapshot; wildcards allowed. All registered servers when omitted.'
    }
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
        @{
            Title   = 'Snapshot every server registered in a central repository'
            Code    = "Invoke-PgIndexSnapshot -Repository 'perfrepo:5432/pgperf' -Server 'shop-*' -ThrottleLimit 8"
            Remarks = 'Reads each registered shop-* server through its pg_monitor login and stores its index counters in the repository; Get-PgUnusedIndex -Repository judges them.'
        }
    )
    Links       = @('Get-PgUnusedIndex', 'Get-PgIndexTrend')
}
