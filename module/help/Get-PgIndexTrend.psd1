@{
    Synopsis    = 'Shows, per index and per day, the scans, tuples read and size of a table''s indexes.'
    Description = @'
Get-PgIndexTrend reads the snapshot history (Invoke-PgIndexSnapshot) of one table's indexes and returns one row per index per day (UTC, the last -Days days including today): Scans and TuplesRead during the day, the size at the day's last reading, the number of snapshots and BlindGaps. Counts are differences between readings; after a statistics reset or a crash the new value is used, which is a lower bound, and the step is counted in BlindGaps. Today's row includes the live counters.

The table name is exact (case-sensitive, no quoting needed: -Table 'Order Items'). Without -Schema it must be unique in the database. A table that does not exist gives the error PgPerf.Index.TableNotFound. Schema, Table and Index bind from the pipeline, so rows of Get-PgTableBloat or Get-PgUnusedIndex can be piped in.

With -Repository it reads a central repository (Install-PgPerfSchema -Repository, Add-PgPerfServer, Invoke-PgIndexSnapshot -Repository) instead of the -Connection database: the stored index usage history of each registered server (or those -Server names), in parallel (-ThrottleLimit), with Server set to the registered name. Only the repository is reached, so a server that is down is still shown from its history. The table is looked up among the tables of the server's latest snapshot there, and the last step ends at that snapshot (no live counters). A server that has no such table writes PgPerf.Index.TableNotFound naming it, and the other servers are still read. Rows that came from the repository (Get-PgUnusedIndex -Repository) piped in are read there too, for their own server, without -Repository given again. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Table  = 'The table whose indexes to show. Exact name, case-sensitive.'
        Schema = 'The table''s schema. Needed only when the table name exists in more than one schema.'
        Index  = 'Only this index of the table.'
        Days   = 'How many days to show, today included. Default 7. Must be 1 or more.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the index usage history it holds for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
    }
    Examples    = @(
        @{
            Title   = 'The monitoring spec''s getIndexTrends(''conversations'', 7)'
            Code    = 'Get-PgIndexTrend -Table conversations -Days 7'
            Remarks = 'One row per index of conversations per day for the last 7 days.'
        }
        @{
            Title   = 'Trend of the indexes that look unused'
            Code    = 'Get-PgUnusedIndex -Status LowUsage | Get-PgIndexTrend -Days 30 | Where-Object Scans -gt 0'
            Remarks = 'Shows on which days the LowUsage indexes were still used.'
        }
        @{
            Title   = 'One table''s index usage on every server of a fleet'
            Code    = "Get-PgIndexTrend -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' -Table orders -Days 14 | Sort-Object Server, Index, Day"
            Remarks = 'Reads only the repository; each row''s Server is the registered name of the server the index is on.'
        }
    )
    Links       = @('Invoke-PgIndexSnapshot', 'Get-PgUnusedIndex', 'Add-PgPerfServer')
}
