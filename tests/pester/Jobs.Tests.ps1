BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null
}
AfterAll { Remove-TestDatabase $script:db }

Describe 'The hourly query-performance check' -Tag 'Integration' {
    It 'opens one query_performance alert for a slow hour and resolves it when the hour is healthy again' {
        # 20 queries averaging 700 ms in the last hour: Critical by the spec's thresholds.
        1..20 | ForEach-Object { [pscustomobject]@{ query_text = 'orders.search'; duration_ms = 600 + $_ * 10; logged_at = (Get-Date).AddMinutes(-$_) } } |
            Send-PgQueryLog -Connection $cs -AlertThresholdMs 0
        $first = Invoke-PgHourlyMonitoring -Connection $cs
        ($first.Steps | Where-Object Name -eq 'query performance').Status | Should -Be 'Succeeded'
        ($first.Steps | Where-Object Name -eq 'query performance').Count | Should -Be 20
        $again = Invoke-PgHourlyMonitoring -Connection $cs
        $alert = @(Get-PgPerfAlert -Connection $cs -Type query_performance -Open)
        $alert.Count | Should -Be 1
        $alert[0].Severity | Should -Be 'Critical'
        $alert[0].Occurrences | Should -Be 2
        [double]$alert[0].Details.avg_duration_ms | Should -Be 705

        Invoke-TestSql -Database $db.Name 'DELETE FROM pgperf.query_performance_logs' | Out-Null
        1..20 | ForEach-Object { [pscustomobject]@{ query_text = 'orders.search'; duration_ms = 5; logged_at = (Get-Date).AddMinutes(-$_) } } |
            Send-PgQueryLog -Connection $cs
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        Get-PgPerfAlert -Connection $cs -Type query_performance -Open | Should -BeNullOrEmpty
        (Get-PgPerfAlert -Connection $cs -Type query_performance).ResolvedBy | Should -Be 'auto'
    }

    It 'resolves slow_query alerts that have been quiet for a day' {
        Invoke-TestSql -Database $db.Name "SELECT pgperf.create_performance_alert('slow_query', 'warning', 'abc', 'old', '{}', 'slow_query:abc:old', 1, now() - interval '30 hours')" | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT pgperf.create_performance_alert('slow_query', 'warning', 'def', 'recent', '{}', 'slow_query:def:recent', 1, now() - interval '2 hours')" | Out-Null
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        (Get-PgPerfAlert -Connection $cs -Type slow_query -Open).Subject | Should -Be @('def')
    }
}
