@{
    Synopsis    = 'The statements that cost the server the most time, I/O or WAL over a window, from the pg_stat_statements snapshots.'
    Description = @'
Get-PgTopStatement sums the history that Invoke-PgStatementSnapshot (or the hourly job) stored, per entry (database, user, queryid, top level), over the last -Hours hours (24) or from -Since to -Until. A window holds the intervals whose end (the snapshot time) falls inside it, so run snapshots hourly for hour-sharp windows.

Each PgStatementStat row has QueryId, QueryHash, Query (as pg_stat_statements normalized it), Database, User, Calls, TotalTimeMs, MeanTimeMs, StddevTimeMs (the exact pooled standard deviation of every execution in the window), PlanTimeMs, Rows, SharedBlocksHit, SharedBlocksRead, SharedHitRatio, TempBlocksWritten, WalBytes, ShareOfTotalTime (this entry's share of the execution time of every statement on the server in the window, whatever the filters), Status (the monitoring spec's query thresholds on MeanTimeMs: Good below 100 ms, Warning 100 to 500 ms, Critical above 500 ms), CountersReset (part of the window was lost to a reset, so the figures are lower bounds) and Server.

QueryHash is the same hash Send-PgQueryLog gives the application's SQL text, so AppCalls and AppP95DurationMs carry what the application itself logged for the statement in the same window (empty when it logged nothing), and Get-PgQueryStat -GroupBy Query carries the server's figures back.

With -Repository it reads a central repository (Install-PgPerfSchema -Repository, Add-PgPerfServer, Invoke-PgStatementSnapshot -Repository) instead of the -Connection database: each registered server (or those -Server names) on its own, in parallel (-ThrottleLimit), with Server set to the registered name and Database and User as the server named them at its last snapshot. An exact -Server name that is not registered writes the error PgPerf.Repository.ServerNotFound and the other servers are still read; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads what it holds for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
        Hours    = 'The window: the last N hours up to now. 1 or more; default 24.'
        Since    = 'The start of the window (exclusive: intervals ending after it). Use with -Until.'
        Until    = 'The end of the window (inclusive). Defaults to now.'
        OrderBy  = 'TotalTime (default), MeanTime, Calls, Rows, SharedBlocksRead, TempBlocksWritten or WalBytes; largest first.'
        Top      = 'How many rows; 20 by default, 0 for every statement.'
        Database = 'Only statements run in these databases.'
        User     = 'Only statements run by these roles.'
        QueryId  = 'Only these queryids. Binds by property name.'
    }
    Examples    = @(
        @{
            Title   = 'What cost this server the most time today'
            Code    = 'Get-PgTopStatement -Hours 24 -Top 10'
            Remarks = 'The ten statements with the most execution time, with their share of the server''s total and a status.'
        }
        @{
            Title   = 'Which statements read the most from disk this week in database app, with their text'
            Code    = @'
Get-PgTopStatement -Hours 168 -OrderBy SharedBlocksRead -Database app |
    Format-Table QueryId, Calls, SharedBlocksRead, SharedHitRatio, Query -Wrap
'@
            Remarks = 'A low SharedHitRatio with many blocks read points at a missing index or a cold table.'
        }
        @{
            Title   = 'The top statements of every server registered in a central repository'
            Code    = @'
Get-PgTopStatement -Repository 'Host=perfrepo;Database=pgperf' -Hours 24 -Top 5 |
    Format-Table Server, QueryId, Calls, TotalTimeMs, ShareOfTotalTime, Query
'@
            Remarks = 'Five rows per registered server, each ranked and shared out among that server''s own statements; -Server ''shop*'' reads only the matching ones.'
        }
    )
    Outputs     = 'PgPerf.PgStatementStat'
    Links       = @('Invoke-PgStatementSnapshot', 'Get-PgStatementTrend', 'Compare-PgStatement', 'Get-PgQueryStat')
}
