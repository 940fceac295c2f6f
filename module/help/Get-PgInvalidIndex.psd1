@{
    Synopsis    = 'Lists invalid indexes left behind by failed concurrent index builds.'
    Description = @'
Get-PgInvalidIndex returns the indexes whose pg_index.indisvalid is false: what a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves behind (for example a unique build that met a duplicate). PostgreSQL never uses them for queries but may still update them on every write. Indexes on tables where a concurrent build is running right now (pg_stat_progress_create_index) are skipped, because they are invalid only until that build finishes.

Each row has Schema, Table, Index, SizeBytes, IsUnique, Reason and Definition. Fix the cause, drop the index (Remove-PgIndex) and create it again. Indexes in PgPerf's own schema (pgperf) are left out unless -IncludePgPerf is given. Needs no pgperf schema.
'@
    Parameters  = @{
        IncludePgPerf = 'Also lists invalid indexes in PgPerf''s own schema (pgperf), which are left out by default.'
    }
    Examples    = @(
        @{
            Title   = 'Find invalid indexes'
            Code    = 'Get-PgInvalidIndex | Format-List Schema, Table, Index, Reason, Definition'
            Remarks = 'Shows each invalid index with the definition needed to build it again.'
        }
        @{
            Title   = 'Drop them, keeping the DDL'
            Code    = 'Get-PgInvalidIndex | Remove-PgIndex -Confirm:$false | Select-Object Index, RollbackDdl'
            Remarks = 'Drops every invalid index concurrently and shows the CREATE INDEX CONCURRENTLY statement for each.'
        }
    )
    Links       = @('Remove-PgIndex')
}
