@{
    Synopsis    = 'Stores what changed in pg_stat_statements since the previous snapshot (run hourly).'
    Description = @'
Invoke-PgStatementSnapshot runs pgperf.capture_statement_snapshot() (which also works from psql or pg_cron without the module) and then computes the QueryHash of statement texts seen for the first time. It reads pg_stat_statements(false) once and, per entry (database, user, queryid, top level), stores the difference since the previous snapshot in pgperf.statement_history, only for entries whose calls changed. Query texts are read (pg_stat_statements(true)) only for queryids never seen before and stored once per queryid. The statistics are never reset, so other tools and people keep theirs.

The first snapshot is the baseline: it remembers the counters and writes no history. A reset of the statistics (pg_stat_statements_info.stats_reset on PostgreSQL 14 and later, or counters that went down), an entry evicted and created again (stats_since on PostgreSQL 17, or counters that went down) and a server restart never give negative numbers: such an entry's row holds its counters since the reset (a lower bound) and is marked CountersReset. The notes of the snapshot (baseline, reset, evicted entries, restart) are in the result's Skipped property and in -Verbose.

The columns of PostgreSQL 13 to 18 are chosen by server_version_num (pgperf.statement_read_sql). When the extension is not preloaded (shared_preload_libraries) or not created in the database, the cmdlet fails with PgPerf.Statements.NotAvailable, saying what to do; the hourly job then reports its step Skipped. Install-PgPerfSchema creates the extension when the library is preloaded and the installer may. A role that is a member of pgperf_monitor (and so of pg_read_all_stats) sees every statement's text.

Returns a PgSnapshotResult with Kind = Statement and Count = the history rows written (0 for the baseline).

With -Repository it snapshots servers registered in a central repository (Add-PgPerfServer) instead: each is read through its own login, which needs only pg_monitor (nothing of PgPerf is installed there; pg_stat_statements must be created in its database), and what changed is stored in the repository under the server's id, with the same rules as a local snapshot (baseline, differences, resets, evictions, restarts, texts). The servers run in parallel (-ThrottleLimit); each result's Server is the registered name, and a server that cannot be read writes one error and the others go on.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: snapshots its registered servers (all, or those -Server names) into it.'
        Server     = 'With -Repository: the registered names to snapshot; wildcards allowed. All registered servers when omitted.'
    }
    Examples    = @(
        @{
            Title   = 'Take a snapshot and see what it noticed'
            Code    = 'Invoke-PgStatementSnapshot -Verbose'
            Remarks = 'The first run is the baseline; later runs write one row per statement that ran since the previous snapshot.'
        }
        @{
            Title   = 'The same from psql or pg_cron, without the module'
            Code    = @'
# psql -c "SELECT pgperf.capture_statement_snapshot()"
Invoke-PgStatementSnapshot -Connection 'db1:5432/app'
'@
            Remarks = 'A snapshot taken from SQL leaves QueryHash empty; the next module call fills it in.'
        }
    )
    Outputs     = 'PgPerf.PgSnapshotResult'
    Links       = @('Get-PgTopStatement', 'Get-PgStatementTrend', 'Compare-PgStatement', 'Invoke-PgHourlyMonitoring')
}
