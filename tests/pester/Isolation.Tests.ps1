BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Npgsql8 = Join-Path ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() 'npgsql/8.0.5/lib/net8.0/Npgsql.dll'
}

Describe 'Dependency isolation' -Tag 'Integration' {
    It 'loads Npgsql into a private load context, invisible to the session' {
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModulePath'
'version:' + (Get-PgPerfSchema -Connection '$(Get-TestConnectionString)').LatestVersion
'resolves:' + [bool]('Npgsql.NpgsqlConnection' -as [type])
foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Npgsql', 'PgPerf.Engine', 'Dapper' }) {
    'context:' + `$a.GetName().Name + '=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name
}
"@
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'version:\d+'
        $r.Output | Should -Match 'resolves:False'
        $r.Output | Should -Match 'context:Npgsql=PgPerf\.Engine'
        $r.Output | Should -Match 'context:PgPerf\.Engine=PgPerf\.Engine'
        $r.Output | Should -Not -Match 'context:\w+(\.\w+)?=Default'
    }

    It 'still works when another Npgsql version was loaded into the session first' {
        Test-Path $script:Npgsql8 | Should -BeTrue -Because 'tests/tools restores Npgsql 8.0.5 for this test'
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$script:Npgsql8'
'first:' + [Npgsql.NpgsqlConnection].Assembly.GetName().Version
Import-Module '$script:ModulePath'
'version:' + (Get-PgPerfSchema -Connection '$(Get-TestConnectionString)').LatestVersion
'session:' + [Npgsql.NpgsqlConnection].Assembly.GetName().Version
foreach (`$a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Npgsql' }) {
    'loaded:' + `$a.GetName().Version + '@' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name
}
"@
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'first:8\.0\.5'
        $r.Output | Should -Match 'version:\d+'
        $r.Output | Should -Match 'session:8\.0\.5'
        $r.Output | Should -Match 'loaded:10\.\d+\.\d+\.\d+@PgPerf\.Engine'
        $r.Output | Should -Match 'loaded:8\.0\.5\.\d+@Default'
    }
}
