# Module manifest for PgPerf. build.ps1 fills CmdletsToExport and FormatsToProcess from the built
# assembly and module/formats/, so the installed manifest always lists exactly what ships.
@{
    RootModule           = 'PgPerf.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1f3c2e-6a0f-4c58-9a7e-2f3d5b8c1e47'
    Author               = 'PgPerf contributors'
    CompanyName          = 'PgPerf'
    Copyright            = '(c) PgPerf contributors. MIT License.'
    Description          = 'PostgreSQL performance monitoring for DBAs and ops engineers: slow queries and latency percentiles, index health, table bloat, alerts and scheduled jobs.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Empty on purpose: Npgsql and Dapper load from deps/ into a private load context.
    RequiredAssemblies   = @()
    NestedModules        = @()
    TypesToProcess       = @('PgPerf.Types.ps1xml')
    FormatsToProcess     = @('@FORMATS@')
    FunctionsToExport    = @()
    CmdletsToExport      = @('@CMDLETS@')
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PostgreSQL', 'Postgres', 'Performance', 'Monitoring', 'DBA', 'Index', 'Bloat', 'SlowQuery', 'Linux', 'Windows', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See README.md.'
        }
    }
}
