@{
    Synopsis    = 'Shows, per index and per day, the scans, tuples read and size of a table''s indexes.'
    Description = @'
Get-PgIndexTrend reads the snapshot history (Invoke-PgIndexSnapshot) of one table's indexes and returns one row per index per day (UTC, the last -Days days including today): Scans and TuplesRead during the day, the size at the day's last reading, the number of snapshots and BlindGaps. Counts are differences between readings; after a statistics reset or a crash the new value is used, which is a lower bound, and the step is counted in BlindGaps. Today's row includes the live counters.

The table name is exact (case-sensitive, no quoting needed: -Table 'Order Items'). Without -Schema it must be unique in the database. A table that does not exist gives the error PgPerf.Index.TableNotFound. Schema, Table and Index bind from the pipeline, so rows of Get-PgTableBloat or Get-PgUnusedIndex can be piped in.
'@
    Parameters  = @{
        Table  = 'The table whose indexes to show. Exact name, case-sensitive.'
        Schema = 'The table''s schema. Needed only when the table name exists in more than one schema.'
        Index  = 'Only this index of the table.'
        Days   = 'How many days to show, today included. Default 7. Must be 1 or more.'
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
    )
    Links       = @('Invoke-PgIndexSnapshot', 'Get-PgUnusedIndex')
}
