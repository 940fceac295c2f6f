@{
    OneServer   = 'one page describes one server; run it once per server with a -Path each'
    Synopsis    = 'Writes one self-contained HTML page with the performance summary, latency charts, slow queries, top statements, index and bloat findings, health checks, and open alerts.'
    Description = @'
Export-PgPerfReport reads the last -Hours (ending with the current hour, one chart point per whole UTC hour) through the same calls the other cmdlets make, so every figure in the page is what they return for the same window: the summary cards are Get-PgPerformanceSummary -Hours N; the latency charts are P50, P95 and the average of Get-PgQueryStat -Start <hour> -End <hour+1>, for all queries and for each of the -TopQueries queries with the most total time in the window (Get-PgQueryStat -GroupBy Query); the slow-queries chart is that call's SlowQueries per hour; the slowest-queries table is Get-PgSlowQuery -Top N; unused and duplicate indexes come with the exact DROP INDEX CONCURRENTLY that Remove-PgIndex -WhatIf shows and the CREATE INDEX CONCURRENTLY that puts the index back; the top statements are Get-PgTopStatement -Since <start> -Until <end>, with the mean time per hour of the first -TopQueries of them from Get-PgStatementTrend, and the statement regressions are Compare-PgStatement with its defaults (the last 24 hours against the 7 days before); bloated tables (10 % or more) are Get-PgTableBloat's estimate, drawn per snapshot from Get-PgTableBloatTrend; bloated indexes (10 % or more) are Get-PgIndexBloat's estimate; the health checks are Invoke-PgHealthCheck with its default thresholds, run when the report is made; open alerts are Get-PgPerfAlert -Open, also drawn on a timeline from first to last seen.

The page needs no network to view: the styles, the script and the chart library (uPlot, MIT licence) are inside the file. It prints to PDF with one chart or table row never split across pages. Text from the database (query text, endpoints, names) is HTML-encoded and the chart data is JSON with <, > and & escaped, so hostile text shows as text and never runs. A section with no data says so and how to get it; a section that cannot be read (for example without rights) is left empty with a note at the end of the page and a warning, and the rest of the report is still written.

With -Repository the page is a central repository's: a section per registered server (all, or those -Server names, wildcards), each from what the repository holds of it over the window, exactly as the reports with -Repository -Server give it: the top statements (Get-PgTopStatement), the Unused and ConsiderDropping indexes (Get-PgUnusedIndex, without DROP statements: the index is on the monitored server), and a chart per snapshot of the tables whose latest bloat snapshot there is 10 % or more (Get-PgTableBloatTrend). Only the repository is read, so a server that is down still has its section. An exact -Server name that is not registered is the error PgPerf.Repository.ServerNotFound, and the page is still written for the others.

The file is written through a temporary file in the same folder, so a reader never sees half a page. Over a long window the report reads the rollups the hourly job keeps, so a week of 10 million logged queries still takes a few seconds (docs/benchmarks.md).
'@
    Parameters  = @{
        Path       = 'The HTML file to write. Relative paths are resolved against the current PowerShell location. The folder must exist. An existing file is replaced unless -NoClobber is given.'
        Hours      = 'How many hours the report covers, ending with the current hour. Default 168 (a week). Between 1 and 2160 (90 days).'
        TopQueries = 'How many queries, by total time in the window, get their own chart of P50, P95 and average per hour. Default 5; 0 leaves the per-query charts out.'
        Top        = 'At most this many rows in each table (slow queries, unused and duplicate indexes, bloated tables, alerts). Default 20.'
        NoClobber  = 'Stops with error PgPerf.Report.FileExists instead of replacing an existing file.'
        Open       = 'Opens the written page with the default program for .html files (Invoke-Item).'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: the page has one section per registered server (all, or those -Server names), from the history stored there.'
        Server     = 'With -Repository: the registered names to put in the page; wildcards allowed. All registered servers when omitted.'
    }
    Outputs     = 'System.IO.FileInfo: the written page.'
    Examples    = @(
        @{
            Title   = 'A week at a glance'
            Code    = 'Export-PgPerfReport -Path ./pgperf.html -Open'
            Remarks = 'Writes the last 168 hours of the session''s default target to pgperf.html and opens it in the browser.'
        }
        @{
            Title   = 'Attach last night to a ticket'
            Code    = 'Export-PgPerfReport -Connection db1/app -Path "/tmp/db1-$(Get-Date -Format yyyyMMdd).html" -Hours 24 -TopQueries 10'
            Remarks = 'One file per day for db1''s app database, with the ten most expensive queries charted.'
        }
        @{
            Title   = 'The week of a whole fleet on one page'
            Code    = "Export-PgPerfReport -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' -Path ./fleet.html"
            Remarks = 'One section per registered shop server: its top statements, unused indexes and table bloat, all read from the repository.'
        }
        @{
            Title   = 'Nightly, from the scheduler'
            Code    = 'Export-PgPerfReport -Path /var/www/pgperf/index.html -WarningAction SilentlyContinue | Out-Null'
            Remarks = 'Refreshes a page a web server shows; a section that cannot be read leaves a note in the page instead of failing.'
        }
    )
    Links       = @('Get-PgPerformanceSummary', 'Get-PgQueryStat', 'Get-PgSlowQuery', 'Get-PgUnusedIndex', 'Get-PgDuplicateIndex', 'Get-PgPerfAlert', 'Export-PgPerfMetric')
}
