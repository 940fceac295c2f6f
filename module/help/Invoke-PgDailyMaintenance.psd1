@{
    Synopsis    = 'Runs the daily maintenance job: unused-index and high-bloat detection, and retention.'
    Description = @'
Invoke-PgDailyMaintenance runs the monitoring spec's daily job against one database. Every step runs even when an earlier one fails; each is timed, and the result lists every step with its status (Succeeded, Failed, Skipped), count, duration and error. A failed step also opens a job_failure alert. The retention step deletes old rows in short batches (see Invoke-PgPerfRetention) and its VACUUM advice is written as a warning.

Two runs at the same time do not run twice: a second run returns one Skipped step with "another run holds the lock".

-WhatIf runs nothing: it names the steps and, per table, counts the rows the retention step would delete and gives the cutoff (as Invoke-PgPerfRetention -WhatIf does).

The cmdlet writes a non-terminating error (PgPerf.Job.StepFailed) for each failed step, so $? is $false after a failed run; scheduled entries exit 1 then.

With -Repository it runs on a central repository (Install-PgPerfSchema -Repository), whose tables hold the history of every registered server: one run there keeps the retention of all of them (a day of statement history is one partition for every server, and dropping it drops that day everywhere). Its other steps watch the repository database itself, and one more step, 'unused indexes of registered servers', judges each registered server's indexes from the repository's index usage history with the same rule as the 'unused indexes' step and opens or resolves that server's unused_index alerts there (Get-PgPerfAlert -Repository lists them). A database that was not prepared as a repository is refused (PgPerf.Repository.NotPrepared) before anything runs.
'@
    Parameters  = @{
        QueryLogDays = 'Days of query logs the retention step keeps (1 to 36500). Default 30.'
        SnapshotDays = 'Days of index-usage and bloat snapshots the retention step keeps (1 to 36500). Default 90.'
        Repository   = 'A central repository instead of -Connection: the daily job runs there once, its retention over every registered server''s history.'
        AlertDays    = 'Days resolved alerts are kept after they were resolved (1 to 36500). Open alerts are never deleted. Default 180.'
    }
    Examples    = @(
        @{
            Title   = 'Run the daily job by hand'
            Code    = 'Invoke-PgDailyMaintenance -Connection db1/app -Verbose'
            Remarks = 'Runs every step and prints the result with one line per step.'
        }
        @{
            Title   = 'Keep query logs for a week'
            Code    = '$r = Invoke-PgDailyMaintenance -QueryLogDays 7; $r.Steps | Where-Object Status -eq Failed'
            Remarks = 'Shows the failed steps, if any, with their errors.'
        }
        @{
            Title   = 'The daily job of a central repository'
            Code    = 'Invoke-PgDailyMaintenance -Repository pgperf-repo/pgperf -SnapshotDays 30 -WhatIf'
            Remarks = 'Counts, per table, the rows of every registered server older than the retention that the run would delete; without -WhatIf it deletes them.'
        }
    )
    Outputs     = @('PgPerf.PgJobResult')
    Links       = @('Invoke-PgHourlyMonitoring', 'Invoke-PgPerfRetention', 'Register-PgPerfScheduledTask')
}
