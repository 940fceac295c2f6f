@{
    Synopsis    = 'Query statistics over a time window: count, slow count, average, exact P50/P95/P99, max and a Good/Warning/Critical status.'
    Description = @'
Get-PgQueryStat summarizes pgperf.query_performance_logs over the last -Hours hours (24) or from -Start to -End: TotalQueries, SlowQueries (at or over -SlowThresholdMs, 500), ErrorQueries, AvgDurationMs, P50/P95/P99DurationMs, MinDurationMs, MaxDurationMs and TotalDurationMs. Percentiles are exact: percentile_cont over the window's rows, the same value SQL gives.

Status follows the spec's thresholds on the average: Good below 100 ms, Warning from 100 to 500 ms, Critical above 500 ms; NoData when the window is empty.

-GroupBy Query returns one row per query hash (with a sample QueryText), -GroupBy Endpoint one per endpoint; grouped rows come most expensive first (by total time). -Start after -End fails with PgPerf.Query.InvalidTimeRange; -Hours must be 1 or more.
'@
    Parameters  = @{
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
            Title   = 'The spec''s getQueryStats(startDate, endDate)'
            Code    = @'
$stats = Get-PgQueryStat -Start (Get-Date).AddDays(-1) -End (Get-Date)
"P95 latency: $($stats.P95DurationMs)ms"
'@
            Remarks = 'One row for the window with the exact P95 and the Status.'
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
