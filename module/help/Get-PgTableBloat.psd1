@{
    Synopsis    = 'Reports table bloat: the space VACUUM FULL would give back, heap plus TOAST, per table.'
    Description = @'
Get-PgTableBloat reports, for every table, partition, partitioned table (the sum of its partitions) and materialized view, how much space a rewrite (VACUUM FULL or pg_repack) would give back, in bytes (BloatBytes) and as a percentage of the table's heap plus TOAST size (BloatPercent). The fillfactor reserve is not counted as waste. Status follows the monitoring spec: Healthy under 10 %, Monitor 10-20 %, ActionRequired over 20 %, Critical over 50 %.

-Method Estimate (the default) reads only the catalog and pg_stats, so it is cheap enough for every table at once. It lays the columns out with their real alignment and NULL fractions, uses PostgreSQL's fillfactor rule and the live TOAST chunk count. Where the estimate is weak it says so in Flags and lowers Confidence: NoStats (never analyzed), StaleStats (many changes since the last ANALYZE), NoStatsAccess (the role cannot read pg_stats for the table), NameColumns, DroppedColumns, ToastNeverVacuumed, ToastUnknown, PaddingHeavy, SizeFromCatalog (the table was locked, so its size came from pg_class).

-Method Approx (pgstattuple_approx) and -Method Exact (pgstattuple) read the table and convert the result to the same figure. They need the pgstattuple extension (CREATE EXTENSION pgstattuple; and GRANT pg_stat_scan_tables TO the monitoring role); without it the cmdlet fails with PgPerf.Bloat.ExtensionMissing. pgstattuple counts the data of dropped columns as live, so such tables keep the DroppedColumns flag.

With -Repository (a central repository, issue 17) it does not read the registered servers live: each server's rows are the tables of the latest bloat snapshot the repository stored for it (Invoke-PgHourlyMonitoring -Repository or Invoke-PgBloatSnapshot -Repository take one), and MeasuredAt says when that was. A snapshot runs this same catalog estimate on the server through its pg_monitor login, and pg_stats shows that login only the columns of tables it may SELECT, so a live read would be no more exact (most tables carry NoStatsAccess and Low confidence unless granted; see docs/security.md). The stored figures cost the server nothing, are there for a server that is down, and agree with Get-PgTableBloatTrend. A snapshot keeps no oids, fillfactor or row widths: TableOid, ToastOid, FixedWidth and EstimatedRowBytes are 0 and FillFactor 100 on these rows. Server is the registered name, and the rows pipe into Get-PgTableBloatTrend, which reads the same server's history in the same repository. -Method Approx or Exact with -Repository is the error PgPerf.Repository.NotWithRepository (pgstattuple is not installed on a registered server).

A table name without wildcards that matches nothing gives a PgPerf.Bloat.TableNotFound error. Output is sorted by BloatPercent, highest first, and pipes into Invoke-PgVacuum.
'@
    Parameters  = @{
        Table           = 'Table names to report (wildcards allowed; case-sensitive). Binds from the pipeline by property name (Table or tablename). All tables when omitted.'
        Schema          = 'Schema names to report (wildcards allowed). Binds from the pipeline by property name (Schema or schemaname).'
        MinBloatPercent = 'Only tables whose BloatPercent is at least this value, 0 to 100. 0 (the default) returns every table; the monitoring spec''s high-bloat list is -MinBloatPercent 20.'
        MinWastedMB     = 'Only tables that would give back at least this many megabytes. Use it to ignore small tables whose percentage is high but whose waste is not.'
        IncludePgPerf   = 'Also lists PgPerf''s own tables (schema pgperf: the query log and its partitions, snapshots, alerts). They are left out by default because they are the monitor, not the application it watches; a -Schema or -Table given exactly (without wildcards) finds them too.'
        Repository      = 'A central repository prepared with Install-PgPerfSchema -Repository: reports every server registered there (or those -Server names) from the latest bloat snapshot stored for it, not live (see the description). A server that is down is still reported from its snapshot; one with no snapshot yet gives a warning.'
        Server          = 'With -Repository: the registered names to report; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        Method          = 'Estimate (default: catalog and pg_stats only, no table is read), Approx (pgstattuple_approx: reads the pages that are not all-visible) or Exact (pgstattuple: reads the whole table and its TOAST table). Approx and Exact need the pgstattuple extension.'
    }
    Examples    = @(
        @{
            Title   = 'Tables that need action'
            Code    = 'Get-PgTableBloat -MinBloatPercent 20 -MinWastedMB 10'
            Remarks = 'Lists the tables over 20 % bloat that would give back at least 10 MB, worst first, with Status, Method, Confidence and Flags.'
        }
        @{
            Title   = 'Confirm an estimate with pgstattuple'
            Code    = @'
Get-PgTableBloat -Table orders, order_items -Method Exact | Format-List Schema, Table, BloatPercent, BloatBytes, Status, Flags
'@
            Remarks = 'Reads both tables with pgstattuple and reports the space VACUUM FULL would give back.'
        }
        @{
            Title   = 'Rewrite the worst tables after a look at the plan'
            Code    = 'Get-PgTableBloat -MinBloatPercent 50 -MinWastedMB 100 | Invoke-PgVacuum -Full -WhatIf'
            Remarks = 'Shows the exact VACUUM FULL statement for each critical table; run it again without -WhatIf in a maintenance window.'
        }
        @{
            Title   = 'The most bloated tables of every registered server'
            Code    = 'Get-PgTableBloat -Repository perfrepo/pgperf -Server ''prod-*'' -MinBloatPercent 20 | Format-Table Server, Table, BloatPercent, BloatBytes, MeasuredAt'
            Remarks = 'Reads the latest snapshot the repository stored for each registered server whose name starts with prod-; MeasuredAt is when it was taken.'
        }
    )
    Outputs     = 'PgPerf.PgTableBloat'
    Links       = @('Invoke-PgBloatSnapshot', 'Invoke-PgVacuum')
}
