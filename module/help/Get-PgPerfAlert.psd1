@{
    Synopsis    = 'Lists PgPerf alerts (slow queries, unused indexes, bloat, job failures), newest first.'
    Description = @'
Get-PgPerfAlert reads pgperf.performance_alerts. Every PgPerf alert source opens or updates one alert per dedup key through pgperf.create_performance_alert, so a condition that repeats shows up once with an occurrence count and first/last seen times instead of one row per check.

Filters combine: -Since (last seen at or after), -Type, -Severity, -Open (unresolved only), -Id and -Top. Details holds the alert's jsonb details as a dictionary (for example $alert.Details.query_hash). Pipe the alerts to Resolve-PgPerfAlert to close them.

With -Repository it reads a central repository (Install-PgPerfSchema -Repository, Add-PgPerfServer): the alerts that Invoke-PgHourlyMonitoring -Repository raised for each registered server (or those -Server names; failed steps as job_failure, health findings, statement regressions), with Server set to the registered name. Only the repository is reached, so the alerts of a server that is down are listed too. Piped to Resolve-PgPerfAlert they are resolved in the repository. Without -Repository the cmdlet lists the alerts of the -Connection database's own jobs; -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.
'@
    Parameters  = @{
        Id       = 'Only the alerts with these ids. Binds by property name from the pipeline.'
        Since    = 'Only alerts last seen at or after this time. A time without a zone is local time.'
        Type     = 'Only alerts of these types, for example slow_query, unused_index, table_bloat or job_failure.'
        Severity = 'Only alerts with these severities: Info, Warning, Critical.'
        Open     = 'Only alerts that are not resolved.'
        Top      = 'At most this many alerts (the newest). By default all matching alerts are returned.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: lists the alerts it holds for its registered servers (all, or those -Server names).'
        Server     = 'With -Repository: the registered names whose alerts to list; wildcards allowed. All registered servers when omitted.'
    }
    Examples    = @(
        @{
            Title   = 'Open critical alerts of the last day'
            Code    = 'Get-PgPerfAlert -Open -Severity Critical -Since (Get-Date).AddDays(-1)'
            Remarks = 'Lists unresolved critical alerts seen in the last 24 hours, newest first, with how often each was seen.'
        }
        @{
            Title   = 'Details of the newest job failure'
            Code    = @'
$alert = Get-PgPerfAlert -Type job_failure -Top 1
$alert.Details.step, $alert.Details.error
'@
            Remarks = 'Details is a dictionary built from the alert''s jsonb details, so its keys read like properties.'
        }
        @{
            Title   = 'Open alerts of the shop servers in a central repository'
            Code    = "Get-PgPerfAlert -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' -Open | Sort-Object Server | Format-Table Server, Severity, Type, Subject"
            Remarks = 'Reads only the repository; each alert''s Server is the registered name of the server it is about.'
        }
    )
    Outputs     = @('PgPerf.PgPerfAlert')
    Links       = @('Resolve-PgPerfAlert', 'Invoke-PgHourlyMonitoring', 'Add-PgPerfServer')
}
