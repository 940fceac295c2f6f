@{
    Synopsis    = 'Lists every session waiting for a lock, the session it waits for, and the root of the chain.'
    Description = @'
Get-PgBlocking returns one PgBlockingSession per session that waits for a lock: BlockedPid, BlockingPid (the session it waits for; of several, one that is not itself waiting), BlockingPids (all of them, from pg_blocking_pids, which also counts sessions queued ahead for a conflicting lock), RootBlockingPid (the head of the chain: the session that waits for nobody and whose end frees the whole chain), ChainDepth, WaitSeconds (since the wait began; PostgreSQL 14+ records that, older servers count from the last state change), LockType, LockMode (the mode asked for), Relation (for table locks; row-lock waits show LockType transactionid), BlockedQuery, BlockingQuery, BlockingState and BlockingTransactionSeconds.

Each row also has a Pid property equal to BlockingPid, so piping rows to Stop-PgSession stops the blocker, not the victim. To stop only the roots, select RootBlockingPid first (see the examples). Works as a member of pg_monitor without the pgperf schema.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
    }
    Examples    = @(
        @{
            Title   = 'Who blocks whom'
            Code    = 'Get-PgBlocking | Format-Table BlockedPid, BlockingPid, RootBlockingPid, WaitSeconds, LockMode, Relation, BlockingState'
            Remarks = 'A chain shows as several rows with the same RootBlockingPid: stopping that one session frees them all.'
        }
        @{
            Title   = 'Cancel the root blockers'
            Code    = 'Get-PgBlocking | Select-Object -ExpandProperty RootBlockingPid -Unique | Stop-PgSession -Terminate -Confirm'
            Remarks = 'Terminates each session at the head of a chain after asking for confirmation (terminate rolls back an idle-in-transaction holder, which a cancel would not reach).'
        }
        @{
            Title   = 'Blocking on every registered server'
            Code    = "Get-PgBlocking -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' | Sort-Object Server, WaitSeconds -Descending | Format-Table Server, BlockedPid, RootBlockingPid, WaitSeconds, Relation"
            Remarks = 'Reads each matching registered server now, in parallel, through its pg_monitor login; Server is the registered name.'
        }
    )
    Links       = @('Get-PgActivity', 'Stop-PgSession', 'Invoke-PgHealthCheck')
}
