@{
    Synopsis    = 'Runs the health checks and returns one row per check with Status Ok, Warning or Critical.'
    Description = @'
Invoke-PgHealthCheck runs each check and returns one PgHealthCheckResult per check: Check, Status (the worst finding's), Value (the worst value, in Unit), Threshold (the thresholds applied), Detail, Target (what the worst value belongs to), Count (findings at Warning or Critical) and Findings (each of them). The checks:

connections: client sessions as a percentage of max_connections (Warning 80, Critical 95). cache_hit: shared-buffer hit ratio over all databases since the statistics reset (Warning below 99, Critical at or below 90; Ok with fewer than 10000 block accesses). blocking: per root blocker, the longest lock wait behind it in seconds (Warning 30, Critical 300). long_transaction: client sessions with a transaction open, in seconds (Warning 300, Critical 3600). wraparound: every database (and tables past a threshold) as in Get-PgWraparoundRisk (Warning 50 % of 2^31 or 150 % of autovacuum_freeze_max_age, Critical 75 %). sequences: as in Get-PgSequenceRisk (Warning 75 %, Critical 90 %). vacuum: tables whose dead rows reached the overdue factor times their autovacuum threshold (Warning at 2).

replication_lag: every standby of this server (and, on a standby, its own receive and replay lag) as in Get-PgReplicationStatus, valued in bytes behind (Warning at 60 s or 128 MB, Critical at 300 s or 1024 MB; a physical slot without its standby is Critical). inactive_slot: every replication slot, valued in bytes of WAL kept (an inactive slot that reserves WAL is Warning, one keeping 5120 MB or more, or whose wal_status is unreserved or lost, Critical). index_bloat: B-tree indexes a REINDEX would shrink by at least IndexBloatMinWastedMB (default 100), by the Get-PgIndexBloat estimate (Warning from 30 %, Critical from 50 %; no alert).

Every threshold is a parameter. The hourly job (Invoke-PgHourlyMonitoring, step "health alerts") runs the checks that have an alert type with the default thresholds and keeps one alert per finding open (blocking, long_transaction, wraparound, sequence_exhaustion, replication_lag, inactive_slot), resolving each when it clears. The checks themselves work as a member of pg_monitor without the pgperf schema.

For a scheduled job or a monitoring agent, -FailOnCritical ends the command with a terminating error (PgPerf.Health.Critical) after writing every row when a check is Critical or could not run, so pwsh -Command exits with code 1 (see the examples).
'@
    Parameters  = @{
        Since      = 'With -Repository: returns the results stored in the repository since this time (by this cmdlet with -Repository, or the hourly job''s health check step), oldest run first, each with CapturedAt, instead of running the checks now. -Check still selects; thresholds and -FailOnCritical do not apply. Without -Repository it is the error PgPerf.Health.SinceWithoutRepository.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: stores each server''s results there as one run (pgperf.health_check_history, kept -SnapshotDays by Invoke-PgDailyMaintenance -Repository; -WhatIf shows the store and skips it) and reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        Check                          = 'The checks to run, by name: connections, cache_hit, blocking, long_transaction, wraparound, sequences, vacuum, replication_lag, inactive_slot, index_bloat. Default: all.'
        FailOnCritical                 = 'After writing every row, end with a terminating error (PgPerf.Health.Critical) when a check is Critical or could not run. pwsh -Command then exits with code 1.'
        ConnectionsWarningPercent      = 'connections: Warning when client connections reach this percentage of max_connections. Default 80.'
        ConnectionsCriticalPercent     = 'connections: Critical at this percentage of max_connections. Default 95.'
        CacheHitWarningPercent         = 'cache_hit: Warning when the shared-buffer hit ratio is below this percentage. Default 99.'
        CacheHitCriticalPercent        = 'cache_hit: Critical when the hit ratio is at or below this percentage. Default 90.'
        BlockingWarningSeconds         = 'blocking: Warning when a session has waited this many seconds for a lock. Default 30.'
        BlockingCriticalSeconds        = 'blocking: Critical at this many seconds of waiting. Default 300.'
        LongTransactionWarningSeconds  = 'long_transaction: Warning when a client session''s transaction has been open this many seconds. Default 300.'
        LongTransactionCriticalSeconds = 'long_transaction: Critical at this many seconds. Default 3600.'
        WraparoundWarningPercent       = 'wraparound: Warning when an XID or MXID age reaches this percentage of 2^31. Default 50.'
        WraparoundCriticalPercent      = 'wraparound: Critical at this percentage of 2^31. Default 75.'
        FreezeMaxAgeWarningPercent     = 'wraparound: Warning when an age reaches this percentage of autovacuum_freeze_max_age (or the multixact one). Default 150.'
        SequenceWarningPercent         = 'sequences: Warning when a sequence has used this percentage of its usable range. Default 75.'
        SequenceCriticalPercent        = 'sequences: Critical at this percentage. Default 90.'
        VacuumOverdueFactor            = 'vacuum: Warning when a table''s dead rows reach this multiple of its autovacuum threshold. Default 2.'
        ReplicationLagWarningSeconds   = 'replication_lag: Warning when a standby''s replay lag reaches this many seconds. Default 60.'
        ReplicationLagCriticalSeconds  = 'replication_lag: Critical at this many seconds. Default 300.'
        ReplicationLagWarningMB        = 'replication_lag: Warning when a standby is this many megabytes of WAL behind. Default 128.'
        ReplicationLagCriticalMB       = 'replication_lag: Critical at this many megabytes behind. Default 1024.'
        SlotWarningMB                  = 'inactive_slot: Warning when an inactive slot keeps this many megabytes of WAL. Default 0 (every inactive slot that reserves WAL).'
        SlotCriticalMB                 = 'inactive_slot: Critical when a slot, active or not, keeps this many megabytes of WAL. Default 5120.'
        IndexBloatWarningPercent       = 'index_bloat: Warning when a REINDEX would shrink an index by this percentage. Default 30.'
        IndexBloatCriticalPercent      = 'index_bloat: Critical from this percentage. Default 50.'
        IndexBloatMinWastedMB          = 'index_bloat: only indexes a REINDEX would shrink by at least this many megabytes count. Default 100.'
    }
    Examples    = @(
        @{
            Title   = 'Check every registered server and keep the results'
            Code    = "Invoke-PgHealthCheck -Repository 'Host=perfrepo;Database=pgperf' | Where-Object Status -ne 'Ok' | Format-Table Server, Check, Status, Value, Detail"
            Remarks = 'Runs every check on each registered server now, through its pg_monitor login, and stores each server''s results in the repository; read them back later with -Since.'
        }
        @{
            Title   = 'What the checks said over the last day'
            Code    = "Invoke-PgHealthCheck -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' -Check wraparound, sequences -Since (Get-Date).AddDays(-1) | Format-Table -View History"
            Remarks = 'Reads only the repository: the results stored by the hourly job (and by earlier runs with -Repository), oldest first; the History view shows CapturedAt and Server.'
        }
        @{
            Title   = 'What is wrong right now'
            Code    = "Invoke-PgHealthCheck -Connection db1/app | Where-Object Status -ne 'Ok' | Format-List Check, Status, Value, Unit, Target, Detail"
            Remarks = 'Runs every check with the default thresholds and shows the ones that need attention.'
        }
        @{
            Title   = 'A scheduled check that fails on Critical'
            Code    = "pwsh -NoProfile -NonInteractive -Command `"Import-Module PgPerf; Invoke-PgHealthCheck -Connection 'Host=db1;Database=app;Username=perf_ops' -BlockingCriticalSeconds 120 -FailOnCritical | Format-Table -AutoSize`"; echo `$?"
            Remarks = 'Exits with code 1 when a check is Critical or could not run (so cron mail, systemd OnFailure= or a monitoring agent notices), 0 otherwise; the rows are printed either way.'
        }
    )
    Links       = @('Get-PgActivity', 'Get-PgBlocking', 'Get-PgWraparoundRisk', 'Get-PgSequenceRisk', 'Get-PgVacuumHealth', 'Get-PgReplicationStatus', 'Get-PgIndexBloat', 'Invoke-PgHourlyMonitoring')
}
