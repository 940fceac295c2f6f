@{
    Synopsis    = 'Reports B-tree index bloat: the space a REINDEX would give back, per index.'
    Description = @'
Get-PgIndexBloat reports, for every valid B-tree index outside the system schemas, how much smaller a REINDEX would build it: BloatBytes, and BloatPercent of IndexBytes (ExpectedBytes is the size after the rebuild). The leaf fillfactor reserve (10 % by default, the index's own fillfactor when set) is not counted as waste. Status: Ok under 30 %, Warning from 30 %, Critical from 50 %; an index that would give back a single page is Ok whatever its percentage (sizes move by whole pages). A B-tree that grows by random inserts settles near 70 % full, about 22 % above what a REINDEX builds, so that much is normal.

-Method Estimate (the default) reads only the catalog and pg_stats, so it is cheap enough for every index at once: each entry is sized from its key columns (INCLUDE columns too) with their alignment, average widths and NULL shares (an expression's width comes from the index's own statistics), multiplied by the index's entry count, and packed the way a B-tree build packs it (leaf pages to fillfactor, internal pages 70 %, one metapage). Where the estimate is weak it says so in Flags and lowers Confidence: NoStats (never analyzed or vacuumed, or a column without statistics), NoStatsAccess (the role may not read the table's statistics; the estimate needs the widths of variable-length keys), StaleStats (many changes since the last ANALYZE), Deduplicated (a non-unique index with repeated keys, which a rebuild stores once per group as posting lists (PostgreSQL 13+): the estimate sizes them from the column's distinct count, which is itself an estimate), DeadEntries (the table has dead rows whose entries VACUUM has not removed yet), SizeFromCatalog (the index was locked, so its size came from pg_class).

-Method Exact reads each index with pgstatindex (extension pgstattuple) and repacks the bytes its leaf pages hold the same way. It needs CREATE EXTENSION pgstattuple; and pg_stat_scan_tables (pg_monitor includes it), else it fails with PgPerf.Bloat.ExtensionMissing. The largest indexes are measured first; once -TimeBudgetSeconds has passed, the rest keep their estimate with the flag TimeBudget (and a warning). An index locked for longer than -LockTimeoutMs (a REINDEX or DROP is running) keeps its estimate with the flag Locked. pgstatindex cannot tell dead entries from live ones, so run it after VACUUM for the best figure.

How close both methods come to what a REINDEX really gives back is measured by bench/IndexBloatAccuracy.Bench.ps1 (docs/benchmarks.md). Works as a member of pg_monitor; no pgperf schema needed. Output is sorted by BloatPercent, highest first.
'@
    Parameters  = @{
        Since      = 'With -Repository: returns the estimates stored in the repository since this time (the hourly job''s index bloat snapshot, kept -SnapshotDays by Invoke-PgDailyMaintenance -Repository) instead of estimating now: each stored run, oldest first, worst first within it, MeasuredAt the run''s time. -Table, -Index, -Schema, -MinBloatPercent and -MinWastedMB still select; the stored rows are estimates. Without -Repository it is the error PgPerf.Health.SinceWithoutRepository.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        Table             = 'Tables whose indexes to report (wildcards allowed; case-sensitive). Binds from the pipeline by property name (Table or tablename). All when omitted.'
        Index             = 'Index names to report (wildcards allowed; case-sensitive). Binds from the pipeline by property name (Index or indexname).'
        Schema            = 'Schema names to report (wildcards allowed). Binds from the pipeline by property name (Schema or schemaname).'
        MinBloatPercent   = 'Only indexes whose BloatPercent is at least this value, 0 to 100. 0 (the default) returns every index.'
        MinWastedMB       = 'Only indexes a REINDEX would shrink by at least this many megabytes.'
        Method            = 'Estimate (default: catalog and pg_stats only, no index is read) or Exact (pgstatindex: reads every page of the index; needs the pgstattuple extension).'
        TimeBudgetSeconds = '-Method Exact only: how long to keep measuring, 0 to 86400 seconds (default 300; 0 measures nothing). Indexes not reached keep their estimate, flagged TimeBudget.'
        LockTimeoutMs     = '-Method Exact only: how long to wait for an index another session has locked (REINDEX, DROP INDEX), in milliseconds (default 1000). It then keeps its estimate, flagged Locked.'
    }
    Examples    = @(
        @{
            Title   = 'Indexes worth rebuilding'
            Code    = 'Get-PgIndexBloat -MinBloatPercent 30 -MinWastedMB 50'
            Remarks = 'Lists the B-tree indexes a REINDEX would shrink by at least 30 % and 50 MB, worst first, with Status, Method and Confidence.'
        }
        @{
            Title   = 'Confirm the estimate of one table''s indexes with pgstatindex'
            Code    = @'
Get-PgIndexBloat -Table orders -Method Exact -TimeBudgetSeconds 60 |
    Format-Table Index, BloatPercent, BloatBytes, ExpectedBytes, LeafDensity, Status, Flags
'@
            Remarks = 'Reads each index of orders with pgstatindex, largest first, for at most a minute; then REINDEX INDEX CONCURRENTLY the Critical ones in a quiet hour.'
        }
    )
    Outputs     = 'PgPerf.PgIndexBloat'
    Links       = @('Get-PgTableBloat')
}
