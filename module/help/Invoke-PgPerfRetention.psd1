@{
    Synopsis    = 'Deletes old query logs, snapshots and resolved alerts in short batches, and says when VACUUM is due.'
    Description = @'
Invoke-PgPerfRetention applies the retention policy: query logs older than -QueryLogDays (30), index-usage and bloat snapshots older than -SnapshotDays (90), and alerts resolved more than -AlertDays (180) ago. Open alerts are never deleted.

It deletes -BatchSize rows per statement (DELETE ... WHERE ctid = ANY (ARRAY(SELECT ctid ... LIMIT n))), each batch its own short transaction, so it holds only row locks for a moment and never blocks the writers. Afterwards it reads the tables' dead-row counts and writes a warning when a VACUUM is due (at least 1,000 dead rows that are at least 10 % of the table).

-WhatIf lists, per table, how many rows would be deleted and the cutoff; nothing is changed.
'@
    Parameters  = @{
        QueryLogDays = 'Days of query logs to keep (1 to 36500). Default 30.'
        SnapshotDays = 'Days of index-usage and table-bloat snapshots to keep (1 to 36500). Default 90.'
        AlertDays    = 'Days to keep alerts after they were resolved (1 to 36500). Open alerts are always kept. Default 180.'
        BatchSize    = 'Rows deleted per statement, each statement its own transaction (1 to 1000000). Default 5000.'
    }
    Examples    = @(
        @{
            Title   = 'See what the default policy would delete'
            Code    = 'Invoke-PgPerfRetention -WhatIf'
            Remarks = 'One "What if" line per table with the number of rows older than the cutoff.'
        }
        @{
            Title   = 'Keep two weeks of query logs, deleting 1,000 rows at a time'
            Code    = 'Invoke-PgPerfRetention -QueryLogDays 14 -BatchSize 1000 | Select-Object -ExpandProperty Tables'
            Remarks = 'Shows rows deleted, batches, dead rows and whether VACUUM is due for each table.'
        }
    )
    Outputs     = @('PgPerf.PgRetentionResult')
    Links       = @('Invoke-PgDailyMaintenance')
}
