@{
    Synopsis    = 'Lists invalid indexes left behind by failed concurrent index builds.'
    Description = @'
Get-PgInvalidIndex returns the indexes whose pg_index.indisvalid is false: what a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves behind (for example a unique build that met a duplicate). PostgreSQL never uses them for queries but may still update them on every write. Indexes on tables where a concurrent build is running right now (pg_stat_progress_create_index) are skipped, because they are invalid only until that build finishes.

Each row has Schema, Table, Index, SizeBytes, IsUnique, Reason and Definition. Fix the cause, drop the index (Remove-PgIndex) and create it again. Indexes in PgPerf's own schema (pgperf) are left out unless -IncludePgPerf is given. Needs no pgperf schema.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the catalog of every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass; the catalog needs no more). Rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
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
        @{
            Title   = 'Invalid indexes across the fleet'
            Code    = 'Get-PgInvalidIndex -Repository perfrepo/pgperf -ErrorVariable unreachable | Format-Table Server, Table, Index, Reason'
            Remarks = 'One list for every server registered in the repository; a server that cannot be reached is one error in $unreachable and the others are still listed.'
        }
    )
    Links       = @('Remove-PgIndex')
}
