@{
    Synopsis    = 'Lists the PgPerf jobs registered in cron, systemd or Windows Task Scheduler on this machine.'
    Description = @'
Get-PgPerfScheduledTask finds the entries Register-PgPerfScheduledTask wrote: marked lines in your crontab, /etc/cron.d/pgperf-<job>, pgperf-<job>.timer units in ~/.config/systemd/user and /etc/systemd/system, and the \PgPerf tasks on Windows. Each result shows the job, scheduler, scope, schedule, the command that runs and where the entry lives. Pipe the results to Unregister-PgPerfScheduledTask to remove them.
'@
    Parameters  = @{
        Job       = 'Only these jobs: Hourly, Daily.'
        Scheduler = 'Only this scheduler. Auto (the default) looks in every scheduler that exists here.'
        Scope     = 'Only User or only System entries. By default both.'
    }
    Examples    = @(
        @{
            Title   = 'What is scheduled here'
            Code    = 'Get-PgPerfScheduledTask'
            Remarks = 'One row per registered job with its schedule and location.'
        }
        @{
            Title   = 'The exact command cron runs for the daily job'
            Code    = '(Get-PgPerfScheduledTask -Job Daily -Scheduler Cron).Command'
            Remarks = 'The shell command of the crontab line: pwsh -NoProfile -NonInteractive -Command ... (never a password).'
        }
    )
    Outputs     = @('PgPerf.PgScheduledTask')
    Links       = @('Register-PgPerfScheduledTask', 'Unregister-PgPerfScheduledTask')
}
