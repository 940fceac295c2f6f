@{
    Synopsis    = 'Shows the performance dashboard: query totals and P95, bloated tables and unused indexes, as an object or the monitoring spec''s JSON.'
    Description = @'
Get-PgPerformanceSummary composes the other reports into one answer, like the monitoring spec's GET /api/performance endpoint. -Metric Summary (the default) returns the last -Hours of query figures (total, slow, average, P95; the same numbers Get-PgQueryStat gives), tables whose estimated bloat is at or over -Threshold percent (largest waste first; partitioned parents are left out because their partitions are listed), indexes that Get-PgUnusedIndex judges Unused or ConsiderDropping (largest first), and the slowest executions of the window (SlowQueries, slowest first; the default view shows the first five). PgPerf's own tables (schema pgperf) are left out unless -IncludePgPerf is given. -Metric SlowQueries returns the query figures and the slowest executions of the window; -Metric Bloat returns only the bloated tables.

With -AsJson the cmdlet writes a JSON string in exactly the monitoring spec's shape, with snake_case keys: query_performance (total_queries, slow_queries, avg_duration_ms, p95_duration_ms), table_bloat[] (tablename, bloat_ratio, bloat_bytes, dead_tuples), unused_indexes[] (indexname, tablename, index_size as pg_size_pretty text, days_since_last_scan) and generated_at (ISO-8601 UTC). An empty window reports zeros, never nulls, so dashboards can read the numbers as numbers. No connection detail other than what the rows name leaves the database.

With -Repository (a central repository, issue 17) it returns one summary per registered server (or those -Server names), Server the registered name, built by the same rules from what the repository stored for that server: TableBloat from its latest bloat snapshot (as Get-PgTableBloat -Repository gives it), UnusedIndexes from its index usage history (as Get-PgUnusedIndex -Repository), TopStatements and StatementRegressions from its statement snapshots. A server that is down is still summarized from its history. The application's query log is not kept per registered server yet, so for a registered server QueryPerformance is empty and SlowQueries has no rows (the JSON shows zeros); use -Connection on a database that receives Send-PgQueryLog for those figures.
'@
    Parameters  = @{
        Metric    = 'What to report: Summary (everything), SlowQueries (query figures and the slowest executions), or Bloat (bloated tables only).'
        Hours     = 'The query window in hours, ending now. Default 24. Must be between 1 and 8784.'
        Threshold = 'Bloat percentage (0-100) from which a table is listed. Default 10, the start of the Monitor band, so the dashboard shows tables before they need action.'
        MinWastedMB = 'Tables that would give back less than this many MB are left out (default 0.1), so tiny tables with a high percentage do not crowd the list. 0 lists every table over -Threshold.'
        Top       = 'At most this many rows in each list (tables, indexes, slow queries). Default 20.'
        AsJson    = 'Writes the monitoring spec''s JSON shape as a string instead of the typed object.'
        IncludePgPerf = 'Also lists PgPerf''s own tables (schema pgperf) among the bloated tables. They are left out by default: they are the monitor, not the application it watches.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: one summary per registered server (or those -Server names), from what the repository stored for it; the registered servers themselves are not read, so one that is down is still summarized.'
        Server     = 'With -Repository: the registered names to summarize; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
    }
    Outputs     = 'PgPerf.PgPerformanceSummary, or a JSON string with -AsJson.'
    Examples    = @(
        @{
            Title   = 'The daily review'
            Code    = 'Get-PgPerformanceSummary | Format-List'
            Remarks = 'Shows the last 24 hours of query figures and the lists of bloated tables and unused indexes; expand .TableBloat or .UnusedIndexes for the rows.'
        }
        @{
            Title   = 'Feed a dashboard'
            Code    = "Get-PgPerformanceSummary -AsJson | Set-Content /var/www/status/performance.json"
            Remarks = 'Writes the monitoring spec''s JSON (query_performance, table_bloat, unused_indexes, generated_at) for a web page or another tool to read.'
        }
        @{
            Title   = 'Tables over 30 percent bloat'
            Code    = 'Get-PgPerformanceSummary -Metric Bloat -Threshold 30 -AsJson'
            Remarks = 'The same answer as the monitoring spec''s /api/performance?metric=bloat&threshold=30.'
        }
        @{
            Title   = 'A dashboard per registered server'
            Code    = 'Get-PgPerformanceSummary -Repository perfrepo/pgperf -Server ''prod-*'' | Format-Table Server, @{ n = ''Bloated''; e = { $_.TableBloat.Count } }, @{ n = ''Unused''; e = { $_.UnusedIndexes.Count } }'
            Remarks = 'One line per registered server whose name starts with prod-: how many bloated tables and unused indexes the repository holds for it.'
        }
    )
    Links       = @('Get-PgQueryStat', 'Get-PgTableBloat', 'Get-PgUnusedIndex')
}
