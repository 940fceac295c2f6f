@{
    OneServer   = 'alert ids are numbers of one database, so the same -Id on several servers would name unrelated alerts. Rows piped from Get-PgPerfAlert of many servers still work: each alert is resolved on the server it came from'
    Synopsis    = 'Resolves PgPerf alerts by id and returns them resolved.'
    Description = @'
Resolve-PgPerfAlert sets resolved_at and resolved_by on open alerts (through pgperf.resolve_performance_alert) and writes each alert, now resolved, to the pipeline. It takes the ids (and the connection) from the pipeline, so Get-PgPerfAlert | Resolve-PgPerfAlert works. An alert that is already resolved is returned unchanged; an unknown id is a non-terminating error (PgPerf.Alert.NotFound) and the other ids are still resolved.

If the condition comes back later, its source opens a new alert with the same dedup key. -WhatIf shows which alerts would be resolved.

The alerts of a server registered in a central repository (rows of Get-PgPerfAlert -Repository) are resolved in that repository, as that server's: Get-PgPerfAlert -Repository R -Server db1 | Resolve-PgPerfAlert. With -Repository and -Server naming one registered server, -Id resolves that server's alerts there; an id of another server's alert is PgPerf.Alert.NotFound. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Id         = 'The ids of the alerts to resolve. Binds by property name, so alerts from Get-PgPerfAlert can be piped in.'
        ResolvedBy = 'The name recorded in resolved_by. Defaults to the name of the user running the cmdlet.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: resolves the alerts of the registered server -Server names there.'
        Server     = 'With -Repository: the registered name whose alerts -Id names; wildcards allowed, as long as they match one server (alert ids are per server).'
    }
    Examples    = @(
        @{
            Title   = 'Close the job-failure alerts after fixing the cause'
            Code    = 'Get-PgPerfAlert -Open -Type job_failure | Resolve-PgPerfAlert -ResolvedBy ops-oncall'
            Remarks = 'Resolves every open job_failure alert and returns them with ResolvedAt and ResolvedBy filled in.'
        }
        @{
            Title   = 'See what would be resolved'
            Code    = 'Get-PgPerfAlert -Open -Severity Info | Resolve-PgPerfAlert -WhatIf'
            Remarks = 'Prints one "What if" line per alert; nothing is changed.'
        }
        @{
            Title   = 'Close a registered server''s job failures in a central repository'
            Code    = "Get-PgPerfAlert -Repository 'Host=perfrepo;Database=pgperf' -Server shop-db1 -Open -Type job_failure | Resolve-PgPerfAlert -ResolvedBy ops-oncall"
            Remarks = 'Each piped alert is resolved in the repository, as shop-db1''s; the alerts of the other servers stay as they are.'
        }
    )
    Outputs     = @('PgPerf.PgPerfAlert')
    Links       = @('Get-PgPerfAlert')
}
