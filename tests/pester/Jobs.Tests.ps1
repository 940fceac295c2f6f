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

    It 'resolves slow_query alerts after a quiet hour and keeps the ones still slow open' {
        Invoke-TestSql -Database $db.Name "SELECT pgperf.create_performance_alert('slow_query', 'warning', 'abc', 'old', '{}', 'slow_query:abc', 1, now() - interval '70 minutes')" | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT pgperf.create_performance_alert('slow_query', 'warning', 'def', 'recent', '{}', 'slow_query:def', 1, now() - interval '20 minutes')" | Out-Null
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        (Get-PgPerfAlert -Connection $cs -Type slow_query -Open).Subject | Should -Be @('def')
    }

    It 'keeps one open slow_query alert per query, named by its text, over repeated slow executions' {
        $text = 'SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC'
        foreach ($minutesAgo in 50, 30, 10) {
            Send-PgQueryLog -Connection $cs -QueryText $text -DurationMs 900 -LoggedAt (Get-Date).AddMinutes(-$minutesAgo)
        }
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        $open = @(Get-PgPerfAlert -Connection $cs -Type slow_query -Open | Where-Object Subject -like 'SELECT * FROM orders*')
        $open.Count | Should -Be 1
        $open[0].Subject | Should -Be $text
        $open[0].Occurrences | Should -Be 3
        $open[0].Message | Should -BeLike "$text ran at or over 500 ms*"
    }

    It 'is not broken by an absurd duration: it is refused by the cmdlet and by the table' {
        # Before the limit, one 1e300 ms row made avg() overflow (22003) in every hourly job until retention removed it.
        $records = @(
            [pscustomobject]@{ query_text = 'absurd.neighbour.1'; duration_ms = 12 }
            [pscustomobject]@{ query_text = 'absurd.value'; duration_ms = 1e300 }
            [pscustomobject]@{ query_text = 'absurd.neighbour.2'; duration_ms = 14 }
        )
        $records | Send-PgQueryLog -Connection $cs -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidDuration,*'
        $e[0].Exception.Message | Should -Match '^Record 2: DurationMs must be a number of milliseconds from 0 to 86,400,000 \(24 hours\)'
        $e[0].ErrorDetails.RecommendedAction | Should -Be 'Correct -DurationMs of record 2.'
        Invoke-TestSql -Database $db.Name "SELECT string_agg(query_text, ',' ORDER BY query_text) FROM pgperf.query_performance_logs WHERE query_text LIKE 'absurd%'" |
            Should -Be 'absurd.neighbour.1,absurd.neighbour.2'
        # A writer that bypasses the module (psql) is refused by the table's CHECK.
        { Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.query_performance_logs (query_text, duration_ms) VALUES ('absurd.psql', 1e300)" } |
            Should -Throw '*query_performance_logs_duration_max*'

        $run = Invoke-PgHourlyMonitoring -Connection $cs
        $run.Succeeded | Should -BeTrue
        ($run.Steps | Where-Object Name -eq 'query performance').Status | Should -Be 'Succeeded'
        Get-PgPerfAlert -Connection $cs -Type job_failure -Open | Should -BeNullOrEmpty
    }
}
