@{
    Synopsis    = 'Runs VACUUM, VACUUM ANALYZE or VACUUM FULL on tables, for example those Get-PgTableBloat reports.'
    Description = @'
Invoke-PgVacuum runs VACUUM on each table it gets (Schema and Table bind by property name, so the output of Get-PgTableBloat pipes straight in). The statement runs on its own, outside any transaction block, as PostgreSQL requires. It returns the size of the table (heap plus TOAST; for a partitioned table, its partitions) before and after, and how long it took.

A plain VACUUM makes dead rows' space reusable but rarely returns it to the operating system. -Full rewrites the table compactly and gives the space back, but holds an ACCESS EXCLUSIVE lock (every read and write of the table waits) and needs room for a full copy: the cmdlet warns about the lock and asks for confirmation as a ConfirmImpact High command does (skip with -Force or -Confirm:$false). -WhatIf prints the exact statement and runs nothing.
'@
    Parameters  = @{
        Table   = 'The tables to vacuum (exact names, case-sensitive). Binds from the pipeline by property name (Table or tablename).'
        Schema  = 'The schema of the tables (default public). Binds from the pipeline by property name (Schema or schemaname).'
        Full    = 'Run VACUUM FULL: rewrite the table and return the space to the operating system. Locks the table against reads and writes while it runs.'
        Analyze = 'Also update the planner statistics (VACUUM ANALYZE), which the bloat estimate relies on.'
        Force   = 'Do not ask for confirmation before VACUUM FULL.'
    }
    Examples    = @(
        @{
            Title   = 'See what would run'
            Code    = 'Get-PgTableBloat -MinBloatPercent 20 | Invoke-PgVacuum -Full -WhatIf'
            Remarks = 'Prints one line per table with the exact statement, for example: What if: Performing the operation "VACUUM (FULL) public.orders" on target "database app on db1:5432/app".'
        }
        @{
            Title   = 'Vacuum and analyze one table'
            Code    = 'Invoke-PgVacuum -Schema sales -Table orders -Analyze'
            Remarks = 'Runs VACUUM (ANALYZE) sales.orders and returns BytesBefore, BytesAfter and DurationMs.'
        }
        @{
            Title   = 'Rewrite in a maintenance window without prompts'
            Code    = 'Get-PgTableBloat -MinBloatPercent 50 -MinWastedMB 100 | Invoke-PgVacuum -Full -Analyze -Force'
            Remarks = 'Rewrites every critical table that wastes at least 100 MB, one after the other.'
        }
    )
    Outputs     = 'PgPerf.PgVacuumResult'
    Links       = @('Get-PgTableBloat', 'Invoke-PgBloatSnapshot')
}
