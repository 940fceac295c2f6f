BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    # Every report or snapshot cmdlet in this build must say how to fix a missing schema.
    $script:NeedsSchema = @('Get-PgSlowQuery', 'Get-PgQueryStat', 'Invoke-PgIndexSnapshot', 'Get-PgUnusedIndex', 'Invoke-PgBloatSnapshot',
        'Get-PgTableBloat', 'Get-PgPerfAlert', 'Get-PgPerformanceSummary', 'Invoke-PgPerfRetention') |
        Where-Object { Get-Command $_ -Module PgPerf -ErrorAction SilentlyContinue }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Install-PgPerfSchema' -Tag 'Integration' {
    BeforeEach { $script:db = New-TestDatabase }
    AfterEach { Remove-TestDatabase $script:db }

    It 'creates the schema, its migration log and the four spec tables' {
        $before = Get-PgPerfSchema -Connection $db.ConnectionString
        $before.InstalledVersion | Should -Be 0
        # Migration numbers may have gaps while areas land on separate branches: compare with the shipped list.
        $before.Pending.Count | Should -BeGreaterThan 0
        $before.Pending[-1].Version | Should -Be $before.LatestVersion

        $result = Install-PgPerfSchema -Connection $db.ConnectionString
        $result.InstalledVersion | Should -Be $result.LatestVersion
        $result.AppliedNow.Count | Should -Be $before.Pending.Count
        $result.Pending | Should -BeNullOrEmpty

        $tables = Invoke-TestSql -Database $db.Name "SELECT tablename FROM pg_tables WHERE schemaname = 'pgperf' ORDER BY 1"
        foreach ($t in 'schema_migrations', 'query_performance_logs', 'index_usage_snapshots', 'table_bloat_snapshots', 'performance_alerts') {
            $tables | Should -Contain $t
        }
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.schema_migrations' | Should -Be "$($before.Pending.Count)"
    }

    It 'is idempotent: a second run applies nothing' {
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $again = Install-PgPerfSchema -Connection $db.ConnectionString
        $again.AppliedNow | Should -BeNullOrEmpty
        $again.InstalledVersion | Should -Be $again.LatestVersion
    }

    It 'changes nothing with -WhatIf' {
        $out = Install-PgPerfSchema -Connection $db.ConnectionString -WhatIf 6>&1 | Out-String
        Invoke-TestSql -Database $db.Name "SELECT to_regnamespace('pgperf') IS NULL" | Should -Be 't'
        (Get-PgPerfSchema -Connection $db.ConnectionString).InstalledVersion | Should -Be 0
    }

    It 'applies each migration once when two installs run at the same time' {
        $cs = $db.ConnectionString
        $module = $script:ModulePath
        $shipped = @((Get-PgPerfSchema -Connection $cs).Pending).Count
        $results = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:module
            Install-PgPerfSchema -Connection $using:cs
        }
        ($results | ForEach-Object { $_.AppliedNow.Count } | Measure-Object -Sum).Sum | Should -Be $shipped
        $results | ForEach-Object { $_.InstalledVersion } | Should -Be (@($results[0].LatestVersion) * 3)
        Invoke-TestSql -Database $db.Name 'SELECT count(*), count(DISTINCT version) FROM pgperf.schema_migrations' | Should -Be "$shipped|$shipped"
    }
}

Describe 'Cmdlets that need the schema' -Tag 'Integration' {
    BeforeAll { $script:empty = New-TestDatabase }
    AfterAll { Remove-TestDatabase $script:empty }

    It '<_> fails with PgPerf.Schema.NotInstalled on a database without the schema' -ForEach $script:NeedsSchema {
        $err = { & $_ -Connection $script:empty.ConnectionString -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schema.NotInstalled,*'
        $err.Exception.Message | Should -Match 'Install-PgPerfSchema'
    }
}
