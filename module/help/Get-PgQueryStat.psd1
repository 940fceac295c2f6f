@{
    Synopsis    = 'Query statistics over a time window: count, slow count, average, P50/P95/P99 (within 1 % of exact), max and a Good/Warning/Critical status.'
    Description = @'
Get-PgQueryStat summarizes pgperf.query_performance_logs over the last -Hours hours (24) or from -Start to -End: TotalQueries, SlowQueries (at or over -SlowThresholdMs, 500), ErrorQueries, AvgDurationMs, P50/P95/P99DurationMs, MinDurationMs, MaxDurationMs and TotalDurationMs. Counts, sums, averages, minimum and maximum are always exact.

Speed and accuracy: whole hours and whole UTC days of the window are read from hourly and daily rollups (built by the hourly job, Invoke-PgHourlyMonitoring, step "query rollups"): one row per hour or day over all queries when the report is not grouped, and per query hash with -GroupBy Query or -QueryHash, where runs of whole hours and days come from aligned blocks of 2, 4 or 8 hours and 2, 4, 8 or 16 days (a 30-day window reads about a dozen rows per query, not one per day and hour); the window's partial first and last hour, and any hour whose rows changed since the job last ran (late rows, replayed spools, inserts from psql), are read from the raw log. So a report over 30 days of 10 million rows takes milliseconds, and the numbers are never stale. Percentiles from rollups are estimated from a log-bucket histogram (buckets 2 % wide) and interpolated between ranks as percentile_cont does: each P50/P95/P99 is within 1 % (sqrt(1.02) - 1 = 0.995 %) of the exact percentile_cont over the same rows. They are exact (the same value SQL gives) when the window needs no rollup (before the job first ran, or a window without a whole hour) and for small groups: a query whose rollup rows read for the window (hours, days or blocks) each hold at most 32 executions. -GroupBy Endpoint, -Endpoint and a -SlowThresholdMs other than 500 read raw rows only and are exact (and slower over long windows).

Status follows the monitoring spec's thresholds on the average: Good below 100 ms, Warning from 100 to 500 ms, Critical above 500 ms; NoData when the window is empty.

-GroupBy Query returns one row per query hash (with a sample QueryText), -GroupBy Endpoint one per endpoint; grouped rows come most expensive first (by total time). -Start after -End fails with PgPerf.Query.InvalidTimeRange; -Hours must be 1 or more.

With -Repository it reads the query log a central repository holds for its registered servers (written there by Send-PgQueryLog -Repository -Server): each registered server (or those -Server names, wildcards) on its own, in parallel (-ThrottleLimit), with Server set to the registered name; nothing of one server is in another's rows. An exact -Server name that is not registered writes the error PgPerf.Repository.ServerNotFound and the other servers are still read; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository. Without -Repository it reads the -Connection database's own log (server 0), as always.
'@
    Parameters  = @{
        Repository    = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the query log it holds for its registered servers (all, or those -Server names).'
        Server        = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
        Hours           = 'The window: the last N hours up to now. 1 or more; default 24.'
        Start           = 'The start of the window (inclusive). Use with -End.'
        End             = 'The end of the window (exclusive). Defaults to now.'
        GroupBy         = 'None (one row for the window), Query (one row per query hash) or Endpoint (one row per endpoint).'
        SlowThresholdMs = 'Executions at or over this many milliseconds count as SlowQueries. Default 500.'
        QueryHash       = 'Only these query hashes. Binds by property name.'
        Endpoint        = 'Only these endpoints. Binds by property name.'
    }
    Examples    = @(
        @{
            Title   = 'P95 per registered server, from a central repository'
            Code    = @'
Get-PgQueryStat -Repository 'Host=perfrepo;Database=pgperf' -Hours 24 |
    Format-Table Server, TotalQueries, P95DurationMs, Status
'@
            Remarks = 'One row per registered server, with exact percentiles of that server''s own executions; -Server shop reads one.'
        }
        @{
            Title   = 'The monitoring spec''s getQueryStats(startDate, endDate)'
            Code    = @'
$stats = Get-PgQueryStat -Start (Get-Date).AddDays(-1) -End (Get-Date)
"P95 latency: $($stats.P95DurationMs)ms"
'@
            Remarks = 'One row for the window with the P95 (within 1 % of percentile_cont) and the Status.'
        }
        @{
            Title   = 'Which queries cost the most this week'
            Code    = 'Get-PgQueryStat -Hours 168 -GroupBy Query | Select-Object -First 10 | Format-Table'
            Remarks = 'One row per query hash, most total time first, with its average, percentiles and status.'
        }
    )
    Outputs     = 'PgPerf.PgQueryStat'
    Links       = @('Get-PgSlowQuery', 'Send-PgQueryLog')
}
