@{
    Synopsis    = 'Creates or upgrades the pgperf schema (tables and functions) in a database.'
    Description = @'
Install-PgPerfSchema applies the migrations shipped with the module that the database does not have yet, each in its own transaction, and records them in pgperf.schema_migrations. It is idempotent: a second run applies nothing. Two installs at the same time are safe: they serialize on an advisory lock and the second applies nothing.

With -WhatIf it lists the migrations it would apply and changes nothing. The role that runs it needs CREATE on the database.

Migration 009 creates two NOLOGIN roles, pgperf_writer (query logging only) and pgperf_monitor (snapshots, reports and jobs; member of pg_monitor), when the installer is a superuser or has CREATEROLE, and grants them what they need in this database. Without that right it installs everything else and warns that the roles were not created. What a migration reports is in the Notices property of the result; warnings are also written as warnings and notices as verbose text. See docs/security.md for the GRANTs.

With -Repository the database becomes a central repository for many servers: the same schema and the same rules (the in-database install is simply a repository of itself, server 0), marked so that Add-PgPerfServer registers servers in it. What differs is who may change the registry: pgperf_monitor (the hourly job) reads pgperf.monitored_servers but only the repository's owner adds or removes servers. Nothing is installed on the monitored servers; see docs/security.md.
'@
    Parameters  = @{
        Repository = 'Prepares the database as a central repository (after applying the pending migrations), so that Add-PgPerfServer can register monitored servers in it. Idempotent.'
    }
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
        @{
            Title   = 'Install, then give login roles the least privilege they need'
            Code    = @'
(Install-PgPerfSchema -Connection 'Host=db1;Database=app;Username=admin').Notices
psql -h db1 -d app -c "CREATE ROLE app_logger LOGIN PASSWORD 'secret' IN ROLE pgperf_writer; CREATE ROLE perf_ops LOGIN PASSWORD 'secret' IN ROLE pgperf_monitor"
'@
            Remarks = 'The notices say whether pgperf_writer and pgperf_monitor were created. The application logs queries as app_logger; the scheduled jobs run as perf_ops, without superuser.'
        }
    )
    Links       = @('Get-PgPerfSchema', 'Connect-PgServer')
}
