@{
    Synopsis    = 'Shows each table''s dead rows and changes against autovacuum''s own thresholds, and vacuums running now.'
    Description = @'
Get-PgVacuumHealth returns one PgVacuumHealth per table and materialized view of the current database, most overdue first. It applies the server's own decision (relation_needs_vacanalyze): VacuumThreshold = autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor * reltuples (capped by autovacuum_vacuum_max_threshold on PostgreSQL 18+), InsertThreshold from the insert settings (PostgreSQL 13+; empty when -1 disables it) and AnalyzeThreshold = autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * reltuples, each setting from the table's reloptions first (Reloptions lists them). VacuumDue is true when DeadTuples, InsertsSinceVacuum or the table's XID age (against autovacuum_freeze_max_age) is past its threshold (VacuumReasons says which); AnalyzeDue when ModificationsSinceAnalyze is past AnalyzeThreshold. AutovacuumEnabled is false when the table or the server has autovacuum off: due tables then wait for a manual VACUUM.

Status is Warning when DeadTuples reached -OverdueFactor times VacuumThreshold (autovacuum is not keeping up), else Ok. A vacuum running on the table now (pg_stat_progress_vacuum) fills VacuumPid, VacuumPhase, VacuumProgressPercent (heap blocks scanned of total) and the block counts. Also LastVacuum, LastAutovacuum, LastAnalyze, LastAutoanalyze, EstimatedRows. Works as a member of pg_monitor without the pgperf schema.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        OverdueFactor = 'Status Warning when DeadTuples reaches this multiple of VacuumThreshold. Default 2.'
        DueOnly       = 'Only tables due for a vacuum or an analyze, or being vacuumed now.'
    }
    Examples    = @(
        @{
            Title   = 'What autovacuum should be doing'
            Code    = 'Get-PgVacuumHealth -DueOnly | Format-Table Schema, Table, DeadTuples, VacuumThreshold, VacuumReasons, AnalyzeDue, LastAutovacuum, VacuumProgressPercent'
            Remarks = 'Tables past their thresholds, with the progress of any vacuum running on them.'
        }
        @{
            Title   = 'Vacuum the overdue tables now'
            Code    = "Get-PgVacuumHealth | Where-Object Status -eq 'Warning' | Invoke-PgVacuum -Analyze -WhatIf"
            Remarks = 'Shows the VACUUM (ANALYZE) statements for tables autovacuum has fallen behind on; drop -WhatIf to run them.'
        }
    )
    Links       = @('Get-PgWraparoundRisk', 'Invoke-PgVacuum', 'Invoke-PgHealthCheck')
}
