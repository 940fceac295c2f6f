@{
    Synopsis    = 'Lists the sessions on the server: state, how long, what they wait for and who blocks them.'
    Description = @'
Get-PgActivity reads pg_stat_activity and returns one PgSessionActivity per session: Pid, Database, User, Application, ClientAddress, State, QueryStart, DurationSeconds (time in the current state: since QueryStart while active, since the last state change otherwise), XactStart, TransactionSeconds, WaitEventType, WaitEvent, BlockedBy (the pids it waits for, from pg_blocking_pids, filled only for sessions waiting for a lock) and Query. Sessions of this PgPerf process are left out, and so are background processes without a client state. Idle sessions are left out unless you ask for them.

Works as a member of pg_monitor (pgperf_monitor) without the pgperf schema; without pg_read_all_stats the Query of other users' sessions reads "<insufficient privilege>". Pipe the rows to Stop-PgSession to cancel or terminate sessions.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        MinDurationSeconds = 'Only sessions at least this many seconds in their current state or in their open transaction (the larger of the two counts). Default 0: every session.'
        State              = 'Only sessions in these states: active, idle, idle in transaction, idle in transaction (aborted), fastpath function call, disabled. Naming idle here includes idle sessions without -IncludeIdle.'
        IncludeIdle        = 'Include idle sessions (connected, no transaction open). Left out by default because pools keep many of them.'
    }
    Examples    = @(
        @{
            Title   = 'Transactions left open'
            Code    = "Get-PgActivity -State 'idle in transaction' -MinDurationSeconds 300 | Format-Table Pid, User, Application, TransactionSeconds, Query"
            Remarks = 'Sessions that have held a transaction open for five minutes or more without running anything: they hold locks and keep VACUUM from removing dead rows.'
        }
        @{
            Title   = 'End the long-idle transactions of one application'
            Code    = "Get-PgActivity -State 'idle in transaction' -MinDurationSeconds 3600 | Where-Object Application -eq 'billing' | Stop-PgSession -Terminate -WhatIf"
            Remarks = 'Shows which sessions would be terminated; run it again without -WhatIf (and confirm) to end them.'
        }
    )
    Links       = @('Get-PgBlocking', 'Stop-PgSession', 'Invoke-PgHealthCheck')
}
