@{
    Synopsis    = 'Removes PgPerf''s scheduled jobs; other crontab lines, units and tasks are left alone.'
    Description = @'
Unregister-PgPerfScheduledTask removes the entry of a PgPerf job: its marked crontab line (every other line of the crontab is kept as it was), its /etc/cron.d file, its systemd timer and service (disabled first), or its \PgPerf task. It takes Job, Scheduler and Scope from the pipeline, so Get-PgPerfScheduledTask | Unregister-PgPerfScheduledTask removes everything PgPerf registered. When nothing is registered for the job the error is PgPerf.Schedule.NotFound. A password line that Register-PgPerfScheduledTask wrote for the job (it marks such lines with a comment naming the jobs that use them) is removed from the pgpass file once no other registered PgPerf job uses it, and PgPerf's own pgpass file (~/.config/pgperf/pgpass) is deleted when nothing is left in it. Lines you wrote yourself are never removed, even when registration updated their password.
'@
    Parameters  = @{
        Job       = 'The job to remove: Hourly or Daily. Binds by property name from the pipeline.'
        Scheduler = 'Remove it from this scheduler only. Auto (the default) removes it wherever it is registered. Binds by property name.'
        Scope     = 'Remove only the User or only the System entry. By default both. Binds by property name.'
    }
    Examples    = @(
        @{
            Title   = 'Remove everything PgPerf scheduled'
            Code    = 'Get-PgPerfScheduledTask | Unregister-PgPerfScheduledTask'
            Remarks = 'Removes each registered job from its scheduler.'
        }
        @{
            Title   = 'Remove the hourly cron line, showing first what would go'
            Code    = 'Unregister-PgPerfScheduledTask -Job Hourly -Scheduler Cron -WhatIf'
            Remarks = 'Prints what would be removed; nothing is changed.'
        }
    )
    Links       = @('Register-PgPerfScheduledTask', 'Get-PgPerfScheduledTask')
}
