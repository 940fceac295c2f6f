@{
    Synopsis    = 'Shows how far each database and the oldest tables are from transaction-ID wraparound.'
    Description = @'
Get-PgWraparoundRisk returns one PgWraparoundRisk per database (age(datfrozenxid), mxid_age(datminmxid)) and then the current database's oldest tables and materialized views (the older of the heap and its TOAST table). Each row has Scope (Database or Table), XidAge, MxidAge, FreezeMaxAge and MultixactFreezeMaxAge in effect (a table's smaller autovacuum_freeze_max_age reloption wins; larger ones are ignored, as the server does), PercentToWraparound (the older of the two ages against 2^31, the point where PostgreSQL would stop assigning IDs) and PercentOfFreezeMaxAge (against autovacuum_freeze_max_age; at 100 % autovacuum starts an anti-wraparound vacuum).

Status is Critical at -CriticalPercent of 2^31 (default 75 %, about 1.6 billion, where vacuum_failsafe_age starts on PostgreSQL 14+), Warning at -WarningPercent (default 50 %) or when the age reaches -FreezeMaxAgeWarningPercent of the freeze limit (default 150 %: the anti-wraparound vacuum is not keeping up), else Ok. Works as a member of pg_monitor without the pgperf schema.
'@
    Parameters  = @{
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: reads every server registered there (or those -Server names) live, in parallel (-ThrottleLimit), each through its own registered connection (a login with only pg_monitor, its password from pgpass); rows name the registered server in Server, and a server that cannot be read is one non-terminating error naming it while the others go on.'
        Server     = 'With -Repository: the registered names to read; wildcards allowed. All registered servers when omitted. -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.'
        WarningPercent             = 'Status Warning when PercentToWraparound reaches this (percent of 2^31). Default 50.'
        CriticalPercent            = 'Status Critical when PercentToWraparound reaches this (percent of 2^31). Default 75.'
        FreezeMaxAgeWarningPercent = 'Status Warning when PercentOfFreezeMaxAge reaches this (percent of autovacuum_freeze_max_age or autovacuum_multixact_freeze_max_age). Default 150.'
        Top                        = 'How many of the current database''s oldest tables to list after the databases. Default 10; 0 lists databases only.'
    }
    Examples    = @(
        @{
            Title   = 'Databases and tables at risk'
            Code    = "Get-PgWraparoundRisk | Where-Object Status -ne 'Ok' | Format-Table Scope, Name, XidAge, PercentToWraparound, PercentOfFreezeMaxAge, Status"
            Remarks = 'Lists what is past a threshold; VACUUM (FREEZE) the tables named, oldest first.'
        }
        @{
            Title   = 'The 20 oldest tables of this database'
            Code    = "Get-PgWraparoundRisk -Top 20 | Where-Object Scope -eq 'Table' | Select-Object Schema, Table, XidAge, FreezeMaxAge, PercentOfFreezeMaxAge"
            Remarks = 'Shows which tables hold the database''s age back and how close each is to its forced vacuum.'
        }
    )
    Links       = @('Get-PgVacuumHealth', 'Invoke-PgHealthCheck')
}
