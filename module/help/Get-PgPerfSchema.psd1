@{
    Synopsis    = 'Shows the installed and latest pgperf schema versions and any pending migrations.'
    Description = @'
Get-PgPerfSchema reads pgperf.schema_migrations and compares it with the migrations this module ships. InstalledVersion is 0 when the schema is not installed. Pending lists what Install-PgPerfSchema would apply. A warning is written when an applied migration differs from the shipped file.
'@
    Parameters  = @{}
    Examples    = @(
        @{
            Title   = 'Check a database'
            Code    = 'Get-PgPerfSchema -Connection db1:5432/app'
            Remarks = 'Shows InstalledVersion, LatestVersion and Pending for database app on db1.'
        }
        @{
            Title   = 'Upgrade only when needed'
            Code    = 'if ((Get-PgPerfSchema).Pending) { Install-PgPerfSchema }'
            Remarks = 'Applies migrations only when the module is newer than the schema.'
        }
    )
    Links       = @('Install-PgPerfSchema')
}
