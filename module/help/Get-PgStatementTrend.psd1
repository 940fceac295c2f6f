@{
    Synopsis    = 'One row per hour of a statement''s calls, mean and total time, from the pg_stat_statements snapshots.'
    Description = @'
Get-PgStatementTrend reads the stored history of the given queryids over the last -Hours hours (24) or from -Since to -Until and returns one PgStatementTrend row per hour and entry (QueryId, Database, User): Hour (UTC), Calls, TotalTimeMs, MeanTimeMs, Rows and SharedBlocksRead. An interval between two snapshots is labelled with the hour of its middle, so an hourly snapshot at 10:00:05 fills the hour that began at 09:00.

Pipe Get-PgTopStatement or Compare-PgStatement rows into it: QueryId, Database and User bind by property name, so each row's trend is that entry's own.

With -Repository it reads a central repository (Install-PgPerfSchema -Repository, Add-PgPerfServer, Invoke-PgStatementSnapshot -Repository) instead of the -Connection database: each registered server (or those -Server names) on its own, in parallel (-ThrottleLimit), with Server set to the registered name and Database and User as the server named them at its last snapshot. An exact -Server name that is not registered writes the error PgPerf.Repository.ServerNotFound and the other servers are still read; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads what it holds for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
        QueryId  = 'The queryids (pg_stat_statements.queryid). Binds by property name.'
        Hours    = 'The window: the last N hours up to now. 1 or more; default 24.'
        Since    = 'The start of the window (exclusive). Use with -Until.'
        Until    = 'The end of the window (inclusive). Defaults to now.'
        Database = 'Only this database''s entries. Binds by property name.'
        User     = 'Only this role''s entries. Binds by property name.'
    }
    Examples    = @(
        @{
            Title   = 'The hourly trend of today''s most expensive statement'
            Code    = 'Get-PgTopStatement -Top 1 | Get-PgStatementTrend'
            Remarks = 'Shows when the statement ran and whether its mean time changed during the day.'
        }
        @{
            Title   = 'When did a regressed statement get slower'
            Code    = 'Compare-PgStatement | Select-Object -First 1 | Get-PgStatementTrend -Hours 192'
            Remarks = 'Eight days of hours: the step in MeanTimeMs shows when the regression began.'
        }
        @{
            Title   = 'The hourly trend of one statement on a server registered in a central repository'
            Code    = 'Get-PgStatementTrend -Repository ''Host=perfrepo;Database=pgperf'' -Server shop -QueryId 4242 -Hours 48'
            Remarks = 'The hours of that server only; without -Server every registered server that ran the statement has its rows.'
        }
    )
    Outputs     = 'PgPerf.PgStatementTrend'
    Links       = @('Get-PgTopStatement', 'Compare-PgStatement')
}
