@{
    Synopsis    = 'Drops an index with DROP INDEX CONCURRENTLY, keeping the DDL that recreates it.'
    Description = @'
Remove-PgIndex finds the index by its exact schema and name (names with quotes, spaces or mixed case need no quoting: -Index 'Weird "Name"'), refuses it when it backs a primary key, a unique or exclusion constraint, a foreign key's referenced key or the replica identity (error PgPerf.Index.ConstraintBacked), and otherwise:

1. records the rollback DDL (pg_get_indexdef, as CREATE INDEX CONCURRENTLY) in pgperf.index_drop_log, committed before anything is dropped;
2. sets lock_timeout on its session (-LockTimeoutSeconds, default 5) so the drop gives up instead of queueing behind long transactions and blocking other sessions;
3. runs DROP INDEX CONCURRENTLY on its own, outside any transaction;
4. marks the log row dropped, resolves the index's 'unused_index' alert, and returns a PgIndexDropResult with RollbackDdl.

A partitioned table's index cannot be dropped or built concurrently: it is dropped with a plain DROP INDEX (which locks the table and its partitions, still under lock_timeout), and its rollback DDL builds it again on every partition. A partition's index attached to a partitioned index is refused with PgPerf.Index.AttachedToParent, which names the parent index to drop instead.

It takes the rows of Get-PgUnusedIndex, Get-PgDuplicateIndex and Get-PgInvalidIndex from the pipeline (Schema, Index and Connection bind by property name). ConfirmImpact is High, so it asks before each drop; -WhatIf prints the exact SQL and changes nothing. An index that does not exist gives PgPerf.Index.NotFound; a drop that cannot get its lock in time gives PgPerf.LockNotAvailable and the log row is marked failed.
'@
    Parameters  = @{
        Index              = 'The index name, exact and case-sensitive. Accepts several names and binds from the pipeline.'
        Schema             = 'The index''s schema. Without it the index name must be unique in the database.'
        LockTimeoutSeconds = 'How long the drop may wait for its lock before giving up, in seconds. Default 5.'
    }
    Examples    = @(
        @{
            Title   = 'See what would be dropped'
            Code    = 'Get-PgUnusedIndex -Status ConsiderDropping | Remove-PgIndex -WhatIf'
            Remarks = 'Prints "SET lock_timeout = ''5s''; DROP INDEX CONCURRENTLY schema.index;" for each index; nothing changes.'
        }
        @{
            Title   = 'Drop one index and keep the way back'
            Code    = @'
$r = Remove-PgIndex -Schema public -Index 'Weird "Name"' -Confirm:$false
$r.RollbackDdl   # CREATE INDEX CONCURRENTLY "Weird ""Name""" ON public.t USING btree (b);
'@
            Remarks = 'The rollback DDL is also in pgperf.index_drop_log; run it with psql to recreate the index.'
        }
    )
    Links       = @('Get-PgUnusedIndex', 'Get-PgDuplicateIndex', 'Get-PgInvalidIndex')
}
