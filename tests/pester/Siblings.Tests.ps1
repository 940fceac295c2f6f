# Issue 19 item 6: cmdlets of one kind behave alike. The snapshot cmdlets share ShouldProcess and error mode
# (PgSnapshotCmdlet), the job cmdlets support -WhatIf, and -NoConfirm is -SkipPgstattupleCheck (old name an alias).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Sibling cmdlets: declarations' -Tag 'Unit', 'Siblings' {
    It '<_> asks before it writes (-WhatIf, -Confirm, impact Low) and reports a failed target without stopping the script' -ForEach 'Invoke-PgIndexSnapshot', 'Invoke-PgBloatSnapshot', 'Invoke-PgStatementSnapshot' {
        $command = Get-Command $_
        $declared = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $declared.SupportsShouldProcess | Should -BeTrue
        $declared.ConfirmImpact | Should -Be 'Low'
        $command.ImplementingType.BaseType.Name | Should -Be 'PgSnapshotCmdlet'

        # Nothing listens on port 1: the target fails, as an error record and not as an exception (which would fail this test).
        & $_ -Connection 'localhost:1/none' -ErrorAction SilentlyContinue -ErrorVariable errs | Should -BeNullOrEmpty
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.*'
    }

    It '<Name> supports -WhatIf and -Confirm with impact <Impact>' -ForEach @(
        @{ Name = 'Invoke-PgDailyMaintenance'; Impact = 'Medium' }
        @{ Name = 'Invoke-PgHourlyMonitoring'; Impact = 'Low' }
    ) {
        $declared = (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $declared.SupportsShouldProcess | Should -BeTrue
        $declared.ConfirmImpact | Should -Be $Impact
    }

    It 'names the estimates-only switch -SkipPgstattupleCheck and still binds the old -NoConfirm' {
        $parameter = (Get-Command Invoke-PgBloatSnapshot).Parameters['SkipPgstattupleCheck']
        $parameter.SwitchParameter | Should -BeTrue
        $parameter.Aliases | Should -Be @('NoConfirm')
        (Get-Command Invoke-PgBloatSnapshot).Parameters.Keys | Should -Not -Contain 'NoConfirm'
    }
}

Describe 'Sibling cmdlets on a real database' -Tag 'Integration', 'Siblings' {
    BeforeAll {
        $script:db = New-TestDatabase
        $script:cs = $db.ConnectionString
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name @'
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE TABLE orders (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
INSERT INTO orders SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
DELETE FROM orders WHERE id % 10 < 7;
ANALYZE orders;
'@ | Out-Null
        function script:Count([string] $Table) { [long](Invoke-TestSql -Database $db.Name "SELECT count(*) FROM $Table") }
    }
    AfterAll { Remove-TestDatabase $script:db }

    It '<Name> -WhatIf writes nothing and returns nothing' -ForEach @(
        @{ Name = 'Invoke-PgIndexSnapshot'; Table = 'pgperf.index_usage_snapshots' }
        @{ Name = 'Invoke-PgBloatSnapshot'; Table = 'pgperf.table_bloat_snapshots' }
    ) {
        $before = Count $Table
        $alerts = Count 'pgperf.performance_alerts'
        & $Name -Connection $cs -WhatIf | Should -BeNullOrEmpty
        Count $Table | Should -Be $before
        Count 'pgperf.performance_alerts' | Should -Be $alerts
        # Without -WhatIf the same call writes: the count above could have changed.
        (& $Name -Connection $cs).Count | Should -BeGreaterThan 0
        Count $Table | Should -BeGreaterThan $before
    }

    It 'Invoke-PgBloatSnapshot -NoConfirm (the old name) keeps the estimates, as -SkipPgstattupleCheck does' {
        Invoke-TestSql -Database $db.Name 'TRUNCATE pgperf.table_bloat_snapshots' | Out-Null
        Invoke-PgBloatSnapshot -Connection $cs -NoConfirm -ConfirmAbovePercent 0 | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT DISTINCT method FROM pgperf.table_bloat_snapshots" | Should -Be 'estimate'
        # The check this switch skips does run without it, so the test above can fail.
        Invoke-PgBloatSnapshot -Connection $cs -ConfirmAbovePercent 0 | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT count(*) > 0 FROM pgperf.table_bloat_snapshots WHERE method <> 'estimate'" | Should -Be 't'
    }

    It 'Invoke-PgDailyMaintenance -WhatIf deletes nothing and says what it would delete' {
        Invoke-TestSql -Database $db.Name @"
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
    SELECT now() - interval '45 days', 'SELECT old', 5 FROM generate_series(1, 1200)
    UNION ALL SELECT now() - interval '1 day', 'SELECT recent', 5 FROM generate_series(1, 30);
"@ | Out-Null
        $logs = Count 'pgperf.query_performance_logs'
        $bloat = Count 'pgperf.table_bloat_snapshots'
        $alerts = Count 'pgperf.performance_alerts'
        $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
`$r = Invoke-PgDailyMaintenance -Connection '$cs' -WhatIf
"returned: `$(@(`$r).Count)"
"@
        $out.Output | Should -Match 'What if: Performing the operation "Run the Daily job \(unused indexes, high bloat, retention\)" on target "database pgperf_t'
        $out.Output | Should -Match 'What if: .*"Delete 1,200 row\(s\) logged before .* in batches of 5,000" on target "pgperf\.query_performance_logs on '
        $out.Output | Should -Match 'returned: 0'
        Count 'pgperf.query_performance_logs' | Should -Be $logs
        Count 'pgperf.table_bloat_snapshots' | Should -Be $bloat
        Count 'pgperf.performance_alerts' | Should -Be $alerts

        # The same call without -WhatIf deletes them.
        $r = Invoke-PgDailyMaintenance -Connection $cs -WarningAction SilentlyContinue
        ($r.Steps | Where-Object Name -eq 'retention').Count | Should -Be 1200
        Count 'pgperf.query_performance_logs' | Should -Be ($logs - 1200)
    }

    It 'Invoke-PgHourlyMonitoring -WhatIf takes no snapshot' {
        $indexes = Count 'pgperf.index_usage_snapshots'
        Invoke-PgHourlyMonitoring -Connection $cs -WhatIf | Should -BeNullOrEmpty
        Count 'pgperf.index_usage_snapshots' | Should -Be $indexes
    }
}
