@{
    Synopsis    = 'Statements whose mean time grew between a baseline window and the current one (by default the last 24 hours against the 7 days before).'
    Description = @'
Compare-PgStatement sums the pg_stat_statements history of two windows per entry (database, user, queryid, top level) and returns a PgStatementRegression for each entry with at least -MinCalls calls (10) in both windows whose mean execution time rose by at least -MinIncreasePercent (50): QueryId, QueryHash, Query, Database, User, BaselineMeanMs, CurrentMeanMs, IncreasePercent, BaselineCalls, CurrentCalls and AddedTimeMs ((CurrentMeanMs - BaselineMeanMs) * CurrentCalls, what the slowdown cost), largest added time first.

The current window runs from -Start (24 hours before -End) to -End (now); the baseline from -BaselineStart (7 days before -BaselineEnd) to -BaselineEnd (-Start). A window holds the intervals whose end falls inside it. The hourly job (Invoke-PgHourlyMonitoring, step "statement regressions") runs the default comparison and keeps one open statement_regression alert per regressed entry (see Get-PgPerfAlert), resolved by itself once the statement recovers. A start after its end fails with PgPerf.Statements.InvalidTimeRange.

With -Repository it compares a central repository (Install-PgPerfSchema -Repository, Add-PgPerfServer, Invoke-PgStatementSnapshot -Repository) instead of the -Connection database: each registered server (or those -Server names) on its own, in parallel (-ThrottleLimit), with Server set to the registered name and Database and User as the server named them at its last snapshot. An exact -Server name that is not registered writes the error PgPerf.Repository.ServerNotFound and the other servers are still read; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads what it holds for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted.'
        BaselineStart      = 'The start of the baseline window. Defaults to 7 days before -BaselineEnd.'
        BaselineEnd        = 'The end of the baseline window. Defaults to -Start.'
        Start              = 'The start of the current window. Defaults to 24 hours before -End.'
        End                = 'The end of the current window. Defaults to now.'
        MinIncreasePercent = 'How much the mean must have grown, in percent. Default 50.'
        MinCalls           = 'Calls an entry needs in each window for its mean to count. Default 10.'
        Database           = 'Only statements run in these databases.'
        User               = 'Only statements run by these roles.'
    }
    Examples    = @(
        @{
            Title   = 'What got slower today'
            Code    = 'Compare-PgStatement'
            Remarks = 'The last 24 hours against the 7 days before, largest added time first.'
        }
        @{
            Title   = 'Before and after a deployment'
            Code    = @'
$deploy = [datetime]'2026-12-05T14:00Z'
Compare-PgStatement -BaselineStart $deploy.AddDays(-1) -BaselineEnd $deploy -Start $deploy -End $deploy.AddDays(1) -MinIncreasePercent 20 |
    Format-Table QueryId, BaselineMeanMs, CurrentMeanMs, IncreasePercent, Query -Wrap
'@
            Remarks = 'The day before against the day after, with smaller slowdowns shown too.'
        }
        @{
            Title   = 'What got slower on the shop servers of a central repository'
            Code    = 'Compare-PgStatement -Repository ''Host=perfrepo;Database=pgperf'' -Server ''shop*'' | Format-Table Server, QueryId, BaselineMeanMs, CurrentMeanMs, AddedTimeMs'
            Remarks = 'Each server''s last 24 hours against its own 7 days before; Server names the registered server of each row.'
        }
    )
    Outputs     = 'PgPerf.PgStatementRegression'
    Links       = @('Get-PgTopStatement', 'Get-PgStatementTrend', 'Get-PgPerfAlert')
}
