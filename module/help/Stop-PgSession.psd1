@{
    OneServer   = 'a pid names a session of one server, so the same -Pid on several servers would signal unrelated sessions. Rows piped from Get-PgActivity or Get-PgBlocking of many servers still work: each row goes to the server it came from'
    Synopsis    = 'Cancels a session''s running query, or with -Terminate ends the session.'
    Description = @'
Stop-PgSession sends pg_cancel_backend (the running statement fails with "canceling statement due to user request"; the session stays) or, with -Terminate, pg_terminate_backend (the session ends and its open transaction rolls back) to each pid. It asks for confirmation (ConfirmImpact High); -WhatIf shows the session and the exact statement. It returns a PgSessionStopResult per signalled session: Pid, Action, Signalled, User, Database, State, Query, StoppedAt.

It refuses PgPerf's own sessions (PgPerf.Session.OwnSession), pids that are not client sessions such as autovacuum workers or WAL senders (PgPerf.Session.NotClient), and reports a pid with no session as PgPerf.Session.NotFound; each is a non-terminating error and the next pid is still handled. Signalling another user's session needs membership in pg_signal_backend (pg_monitor does not include it); superusers' sessions need a superuser. Without the right the error is PgPerf.Session.PermissionDenied. Note that a cancel does not end an idle-in-transaction session: use -Terminate for those.
'@
    Parameters  = @{
        Pid       = 'The backend pids to stop. Binds by property name from the pipeline: Pid of Get-PgActivity rows, and Pid (the blocker) of Get-PgBlocking rows.'
        Terminate = 'End the session with pg_terminate_backend instead of cancelling its current query; its open transaction is rolled back.'
    }
    Examples    = @(
        @{
            Title   = 'Cancel one runaway query'
            Code    = 'Stop-PgSession -Pid 48213'
            Remarks = 'Asks for confirmation, then cancels the statement session 48213 is running.'
        }
        @{
            Title   = 'Terminate what blocks others, after a look'
            Code    = "Get-PgBlocking | Stop-PgSession -Terminate -WhatIf`nGet-PgBlocking | Stop-PgSession -Terminate -Confirm:`$false"
            Remarks = 'The first line shows which sessions (the blockers) would be ended; the second ends them without asking.'
        }
    )
    Links       = @('Get-PgActivity', 'Get-PgBlocking')
}
