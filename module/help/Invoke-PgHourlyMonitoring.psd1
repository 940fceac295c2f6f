@{
    Synopsis    = 'Runs the hourly monitoring job: snapshots and the query-performance check, each step isolated.'
    Description = @'
Invoke-PgHourlyMonitoring runs the monitoring spec's hourly job against one database. Every step runs even when an earlier one fails; each is timed, and the result lists every step with its status (Succeeded, Failed, Skipped), count, duration and error. A failed step also opens a job_failure alert (one per step, resolved automatically when the step succeeds again).

Two runs at the same time do not double-capture: the job holds a per-job advisory lock, and a second run returns one Skipped step with "another run holds the lock".

-WhatIf runs nothing and names the steps it would run.

For schedulers: the cmdlet writes a non-terminating error (PgPerf.Job.StepFailed) for each failed step, so $? is $false and 'pwsh -Command "...; Invoke-PgHourlyMonitoring; if (-not $?) { exit 1 }"' exits 1. In a script, check the result instead: $r = Invoke-PgHourlyMonitoring; if (-not $r.Succeeded) { exit 1 }. Register-PgPerfScheduledTask writes entries that do this.

With -Repository it runs the job's repository steps (index usage, table bloat and statement snapshots; the health checks and the index bloat estimate, stored per server; the rollups of the query log its applications send to the repository with Send-PgQueryLog -Repository -Server) for every server registered in a central repository, in parallel (-ThrottleLimit): one PgJobResult per server, whose Server is the registered name and whose Steps say what happened there. Then it raises that server's alerts in the repository, as the job on a database does (see Get-PgPerfAlert -Repository): high bloat from its bloat snapshot just stored, the last hour of its query log against the thresholds (slow_query alerts closed after a quiet hour), statement regressions from its stored statement history, its health alerts from the checks just stored (resolved when the finding is gone), and one job_failure alert per failed step. A server that cannot be reached fails its snapshot steps (and gets its job_failure alerts), writes one error naming it, and the others go on, so a scheduled 'pwsh -Command' run that ends with 'if (-not $?) { exit 1 }' exits 1 when any server failed.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: runs the job for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names to run the job for; wildcards allowed. All registered servers when omitted.'
    }
    Examples    = @(
        @{
            Title   = 'Run the job and show the steps'
            Code    = 'Invoke-PgHourlyMonitoring -Connection db1/app | Select-Object -ExpandProperty Steps'
            Remarks = 'One row per step with its status, count, duration and error.'
        }
        @{
            Title   = 'In a scheduled script: exit non-zero when a step failed'
            Code    = @'
$r = Invoke-PgHourlyMonitoring -ErrorAction Continue
if (-not $r.Succeeded) { exit 1 }
'@
            Remarks = 'The scheduler sees exit code 1 and the failed steps are in the output and in open job_failure alerts.'
        }
    )
    Outputs     = @('PgPerf.PgJobResult')
    Links       = @('Invoke-PgDailyMaintenance', 'Register-PgPerfScheduledTask', 'Get-PgPerfAlert')
}
