@{
    Synopsis    = 'Shows table bloat over time, from the bloat snapshots.'
    Description = @'
Get-PgTableBloatTrend reads the bloat snapshots (Invoke-PgBloatSnapshot; the daily job takes one a day) of the last -Days days and returns one row per table per snapshot, by table and oldest first: CapturedAt, BloatPercent, BloatBytes (what VACUUM FULL would give back), TableBytes, LiveTuples, DeadTuples, Status (the bands of Get-PgTableBloat), Method and Confidence. Method is Estimate, or Approx/Exact where the snapshot confirmed a large estimate by measuring it with pgstattuple.

Use it to see whether a table's bloat keeps growing (autovacuum is not keeping up) or whether a VACUUM FULL or pg_repack gave the space back. Names take wildcards; Schema and Table bind from the pipeline, so rows of Get-PgTableBloat can be piped in. Export-PgPerfReport draws the same figures as its bloat history chart.

With -Repository it reads the snapshots stored in a central repository (Invoke-PgBloatSnapshot -Repository, Invoke-PgHourlyMonitoring -Repository) for every registered server, or those -Server names; each row's Server is the registered name.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the bloat history stored there for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to report on; wildcards allowed. All registered servers when omitted.'
        Table  = 'Table names; wildcards allowed. All tables when omitted.'
        Schema = 'Schema names; wildcards allowed.'
        Days   = 'Snapshots of the last this many days. Default 30; 1 to 3650.'
    }
    Examples    = @(
        @{
            Title   = 'One table''s bloat on every shop server, from a central repository'
            Code    = "Get-PgTableBloatTrend -Repository 'perfrepo:5432/pgperf' -Server 'shop-*' -Table orders -Days 14 | Sort-Object Server, CapturedAt"
            Remarks = 'Reads only the repository; each row''s Server is the registered server the table is on.'
        }
        @{
            Title   = 'Is the bloat of the most bloated tables growing?'
            Code    = 'Get-PgTableBloat -MinBloatPercent 20 | Get-PgTableBloatTrend -Days 14'
            Remarks = 'Every snapshot of the last 14 days for each table now at or over 20 % bloat.'
        }
        @{
            Title   = 'Growth of one table''s waste, as a number'
            Code    = '$t = Get-PgTableBloatTrend -Table orders -Days 30; ($t[-1].BloatBytes - $t[0].BloatBytes) / 1MB'
            Remarks = 'MB of waste the orders table gained over the last 30 days.'
        }
    )
    Links       = @('Get-PgTableBloat', 'Invoke-PgBloatSnapshot', 'Export-PgPerfReport')
}
