@{
    OneServer   = 'a scheduled job entry runs against the one target it was registered with (one entry per job on a machine); for a fleet, that target is a repository (-Repository)'
    Synopsis    = 'Schedules the hourly or daily PgPerf job in cron, systemd or Windows Task Scheduler.'
    Description = @'
Register-PgPerfScheduledTask writes an entry that runs Invoke-PgHourlyMonitoring (at minute 0 of every hour, cron 0 * * * *) or Invoke-PgDailyMaintenance (at 02:00, cron 0 2 * * *, or -At) against the connection you give. Registering again replaces the entry instead of adding a second one.

The entry runs a real pwsh (-PwshPath, else this pwsh, else pwsh on PATH; 'dotnet pwsh' is refused because it only works inside the source folder) with -NoProfile -NonInteractive, imports this module by its path and exits 1 when a step failed, so the scheduler sees the failure.

No entry ever holds a password. When the connection has one, it is written to an owner-only (mode 0600) pgpass file (-ConnectionFile, default ~/.config/pgperf/pgpass or /etc/pgperf/pgpass) and the entry's connection string names that file; PgPerf refuses to write a password anywhere else (and on Windows at all: use %APPDATA%\postgresql\pgpass.conf there).

Schedulers: Cron adds one line, marked '# pgperf-job:hourly' or '# pgperf-job:daily', to the user's crontab (other lines are kept as they are), or writes /etc/cron.d/pgperf-<job> with -Scope System. Systemd writes pgperf-<job>.service and .timer (Persistent=true) to ~/.config/systemd/user or /etc/systemd/system and enables the timer. TaskScheduler creates \PgPerf\PgPerf <Job> with schtasks and task XML. Auto uses Task Scheduler on Windows, else cron when crontab exists, else systemd. When the chosen scheduler is missing the error says what is missing and what to use instead. Times are the machine's local time.

With -Repository the entry runs the job with -Repository against a central repository (Install-PgPerfSchema -Repository): one entry per job for every server registered there when it runs, so servers added later with Add-PgPerfServer need no new entry. It exits 1 when the job failed on any registered server. The repository's password goes to the pgpass file as above; each registered server's login finds its password the way it was registered (its Passfile option, else the pgpass file of the account that runs the entry: ~/.pgpass, or PGPASSFILE).

-WhatIf prints the rendered entry (crontab line, unit files or task XML) and changes nothing.
'@
    Parameters  = @{
        Job            = 'Which job: Hourly (Invoke-PgHourlyMonitoring) or Daily (Invoke-PgDailyMaintenance).'
        Scheduler      = 'Auto (the default), Cron, Systemd or TaskScheduler.'
        At             = 'Daily job only: the local time of day as HH:mm, 00:00 to 23:59. Default 02:00.'
        PwshPath       = 'The full path of the pwsh executable the entry runs. Needed when this session runs as ''dotnet pwsh'' and no pwsh is on PATH.'
        Scope          = 'User (the default: your crontab, user units, a task for you) or System (/etc/cron.d, /etc/systemd/system, a SYSTEM task; needs root or an administrator).'
        Repository     = 'A central repository (Install-PgPerfSchema -Repository) instead of -Connection: the entry runs the job with -Repository, over every server registered there.'
        ConnectionFile = 'The pgpass file the job reads its password from. When the connection has a password it is written there (created or updated, mode 0600). Without a password in the connection, an existing owner-only pgpass file to use.'
    }
    Examples    = @(
        @{
            Title   = 'Schedule both jobs for the session''s database'
            Code    = @'
Connect-PgServer -Server db1/app -Credential (Get-Credential monitor)
Register-PgPerfScheduledTask -Job Hourly
Register-PgPerfScheduledTask -Job Daily -At 03:30
'@
            Remarks = 'Writes the password to ~/.config/pgperf/pgpass (mode 0600) and adds two marked lines to your crontab (or timers, or tasks).'
        }
        @{
            Title   = 'One hourly and one daily entry for a whole fleet'
            Code    = @'
$repo = 'Host=pgperf-repo;Database=pgperf;Username=pgperf'
$cred = Get-Credential pgperf
Register-PgPerfScheduledTask -Job Hourly -Repository $repo -Credential $cred
Register-PgPerfScheduledTask -Job Daily -Repository $repo -Credential $cred -At 03:00
'@
            Remarks = 'Each run snapshots every server registered in the repository (Add-PgPerfServer) and exits 1 when any of them failed; the daily run keeps the repository''s retention.'
        }
        @{
            Title   = 'See the systemd units without writing them'
            Code    = 'Register-PgPerfScheduledTask -Job Daily -Scheduler Systemd -Scope System -PwshPath /usr/bin/pwsh -WhatIf'
            Remarks = 'Prints pgperf-daily.service and pgperf-daily.timer as they would be written; nothing is changed.'
        }
    )
    Outputs     = @('PgPerf.PgScheduledTask')
    Links       = @('Get-PgPerfScheduledTask', 'Unregister-PgPerfScheduledTask', 'Invoke-PgHourlyMonitoring', 'Invoke-PgDailyMaintenance')
}
