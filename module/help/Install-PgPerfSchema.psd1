@{
    Synopsis    = 'Creates or upgrades the pgperf schema (tables and functions) in a database.'
    Description = @'
Install-PgPerfSchema applies the migrations shipped with the module that the database does not have yet, each in its own transaction, and records them in pgperf.schema_migrations. It is idempotent: a second run applies nothing. Two installs at the same time are safe: they serialize on an advisory lock and the second applies nothing.

With -WhatIf it lists the migrations it would apply and changes nothing. The role that runs it needs CREATE on the database.
'@
    Parameters  = @{}
    Examples    = @(
        @{
            Title   = 'Install into the session default database'
            Code    = @'
Connect-PgServer -Server db1/app -Credential (Get-Credential postgres)
Install-PgPerfSchema -Verbose
'@
            Remarks = 'Applies every pending migration and returns the schema state, with the migrations applied now in AppliedNow.'
        }
        @{
            Title   = 'See what an upgrade would do'
            Code    = "Install-PgPerfSchema -Connection 'Host=db1;Database=app;Username=admin' -WhatIf"
            Remarks = 'Prints one "What if" line per pending migration; nothing is changed.'
        }
    )
    Links       = @('Get-PgPerfSchema', 'Connect-PgServer')
}
