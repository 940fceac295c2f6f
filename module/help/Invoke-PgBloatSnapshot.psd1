@{
    Synopsis    = 'Captures the daily table bloat snapshot and raises or resolves the high_bloat alerts.'
    Description = @'
Invoke-PgBloatSnapshot runs pgperf.capture_table_bloat_snapshot(), which stores one row per table in pgperf.table_bloat_snapshots (captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio in percent, live_tuples, dead_tuples, method, confidence, flags) from the catalog estimate.

When the pgstattuple extension is installed it then confirms, largest waste first, the tables at or over -ConfirmAbovePercent and those whose estimate has Low confidence with pgstattuple_approx, within -TimeBudgetSeconds. A table that is locked (for example by a running VACUUM FULL) or dropped meanwhile keeps its estimate and is listed in Skipped.

Finally it runs pgperf.check_table_bloat_alerts(): one open 'high_bloat' alert per table over -ThresholdPercent that wastes at least -MinWastedMB (warning, or critical over 50 %), updated rather than duplicated by later snapshots and resolved automatically once the table drops below. Partitioned parents do not alert; their partitions do.

-WhatIf shows what would run and writes nothing. With several targets, or one, a target that fails is a non-terminating error and the others still run, as with Invoke-PgIndexSnapshot.

The same SQL functions work without PowerShell (psql, pg_cron): SELECT pgperf.capture_table_bloat_snapshot(); SELECT pgperf.check_table_bloat_alerts();

With -Repository it snapshots servers registered in a central repository (Add-PgPerfServer) instead: the same catalog estimate runs on each server through its own login (pg_monitor is enough; nothing of PgPerf is installed there) and the rows are stored in the repository's table_bloat_snapshots under the server's id. A pg_monitor login cannot read pg_stats for tables it may not SELECT, so those tables come out with the NoStatsAccess flag and Low confidence (their figure is the dead-row share); grant pg_read_all_data (PostgreSQL 14+) to the login for full estimates. No pgstattuple confirmation and no high_bloat alerts run for registered servers, so -ThresholdPercent, -MinWastedMB, -ConfirmAbovePercent, -TimeBudgetSeconds and -SkipPgstattupleCheck are not offered with -Repository. Servers run in parallel (-ThrottleLimit); a server that cannot be read writes one error and the others go on.
'@
    Parameters  = @{
        Repository           = 'A central repository prepared with Install-PgPerfSchema -Repository: snapshots its registered servers (all, or those -Server names) into it.'
        Server               = 'With -Repository: the registered names to snapshot; wildcards allowed. All registered servers when omitted.'
        ThresholdPercent    = 'Alert when a table''s bloat is over this percentage (0 to 100; the monitoring spec''s default 20).'
        MinWastedMB         = 'Never alert on a table that would give back less than this many megabytes (default 1), so a 16 kB table at 80 % pages nobody.'
        ConfirmAbovePercent = 'Confirm estimates at or over this percentage (default 20) with pgstattuple_approx, when the extension is installed.'
        TimeBudgetSeconds   = 'Seconds allowed for the pgstattuple_approx confirmations (default 60). Tables left when it runs out keep their estimate and are listed in Skipped.'
        SkipPgstattupleCheck = 'Store the estimates only; do not read any table with pgstattuple_approx (the hourly job does this). Alias: -NoConfirm, its old name, which had nothing to do with -Confirm.'
    }
    Examples    = @(
        @{
            Title   = 'Bloat estimates of every registered server into a central repository'
            Code    = "Invoke-PgBloatSnapshot -Repository 'perfrepo:5432/pgperf' -ThrottleLimit 8"
            Remarks = 'One result per registered server, each naming it; Get-PgTableBloatTrend -Repository reads them back.'
        }
        @{
            Title   = 'The daily run'
            Code    = 'Invoke-PgBloatSnapshot -Connection db1/app -Verbose'
            Remarks = 'Captures every table, confirms the worst with pgstattuple_approx for up to 60 s, and updates the high_bloat alerts. Returns a PgSnapshotResult with Count, CapturedAt, DurationMs and Skipped.'
        }
        @{
            Title   = 'Stricter alerts on a large database'
            Code    = @'
Invoke-PgBloatSnapshot -ThresholdPercent 30 -MinWastedMB 500 -TimeBudgetSeconds 300
Get-PgPerfAlert -Type high_bloat -Open
'@
            Remarks = 'Alerts only on tables over 30 % that waste at least 500 MB, and gives the confirmations five minutes.'
        }
    )
    Outputs     = 'PgPerf.PgSnapshotResult'
    Links       = @('Get-PgTableBloat', 'Invoke-PgVacuum')
}
