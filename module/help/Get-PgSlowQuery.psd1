@{
    Synopsis    = 'Lists logged query executions at or over a duration in the last hours, slowest first.'
    Description = @'
Get-PgSlowQuery returns the executions in pgperf.query_performance_logs from the last -Hours hours (24) that took at least -MinDurationMs milliseconds (500), slowest first, at most -Top of them (100 by default; -All or -Top 0 for every one), as PgSlowQuery objects: LoggedAt, QueryText, QueryHash, DurationMs, Endpoint, UserId, Parameters (JSON text), IsError and QueryTruncated. It is the monitoring spec's getSlowQueries(24, 500); the SQL function pgperf.get_slow_queries(hours_back, min_duration_ms) returns the same rows for psql or pg_cron users.

With a threshold of 500 ms or more the rows come from pgperf.query_log_slow, a copy of the slow rows that the log's triggers keep in step (inserts, updates, deletes, TRUNCATE, retention), stored in time order, so a day of slow rows is a few dozen pages however large the log grows. Below 500 ms the log itself is read. -Hours must be 1 or more (a parameter validation error otherwise).

With -Repository it reads the query log a central repository holds for its registered servers (written there by Send-PgQueryLog -Repository -Server): each registered server (or those -Server names, wildcards) on its own, in parallel (-ThrottleLimit), with Server set to the registered name; nothing of one server is in another's rows. An exact -Server name that is not registered writes the error PgPerf.Repository.ServerNotFound and the other servers are still read; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository. Without -Repository it reads the -Connection database's own log (server 0), as always.
'@
    Parameters  = @{
        Repository    = 'A central repository prepared with Install-PgPerfSchema -Repository: reads the query log it holds for its registered servers (all, or those -Server names).'
        Server        = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
        Hours         = 'How many hours back to look, from now. 1 or more; default 24.'
        MinDurationMs = 'Only executions that took at least this many milliseconds. Default 500 (the monitoring spec''s slow threshold).'
        Top           = 'Return only the N slowest executions. Default 100; when more match and -Top was not given, a warning says so. -Top 0 returns every matching execution, as -All does.'
        All           = 'Return every matching execution, however many (a busy week can hold hundreds of thousands). The same as -Top 0.'
        QueryHash     = 'Only these query hashes. Binds by property name, so the output of Get-PgQueryStat -GroupBy Query can be piped in.'
        Endpoint      = 'Only executions from these endpoints.'
    }
    Examples    = @(
        @{
            Title   = 'The slowest executions of every registered server, from a central repository'
            Code    = @'
Get-PgSlowQuery -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop*' -Hours 4 -Top 10 |
    Format-Table Server, LoggedAt, DurationMs, QueryText
'@
            Remarks = 'Ten rows per matching registered server, each from that server''s own log (Send-PgQueryLog -Repository -Server).'
        }
        @{
            Title   = 'Slow queries of the last day'
            Code    = 'Get-PgSlowQuery'
            Remarks = 'Executions of 500 ms or more in the last 24 hours, slowest first.'
        }
        @{
            Title   = 'The ten slowest executions of one endpoint in the last 12 hours'
            Code    = "Get-PgSlowQuery -Hours 12 -MinDurationMs 200 -Endpoint '/api/conversations' -Top 10 | Format-List LoggedAt, DurationMs, QueryText, Parameters"
            Remarks = 'Same rows as SELECT * FROM pgperf.get_slow_queries(12, 200) filtered to one endpoint.'
        }
    )
    Outputs     = 'PgPerf.PgSlowQuery'
    Links       = @('Get-PgQueryStat', 'Send-PgQueryLog')
}
