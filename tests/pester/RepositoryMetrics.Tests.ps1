# Export-PgPerfMetric -Repository (issue 17): one Prometheus file with the figures of every registered server of a
# central repository, each series labelled server="<registered name>", each metric family written once. Two registered
# databases whose applications sent different known query logs to the repository, known open alerts and stored bloat
# rows per server, a registered server that is down (exported from its history), and the repository's own log
# (server 0), which belongs to no registered server. Expected values come from the known inputs or from psql.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_mrepo'
    $script:alpha = New-TestDatabase 'pgperf_mrepo_a'
    $script:beta = New-TestDatabase 'pgperf_mrepo_b'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null
    $script:login = New-TestMonitorLogin 'pgperf_t_mmon'
    $script:r = $repo.ConnectionString
    Add-PgPerfServer -Repository $r -Name alpha -Connection (Get-TestMonitoredConnection $login $alpha.Name) -WarningAction SilentlyContinue | Out-Null
    Add-PgPerfServer -Repository $r -Name beta -Connection (Get-TestMonitoredConnection $login $beta.Name) -WarningAction SilentlyContinue | Out-Null
    # A registered server nothing listens for (registered in SQL: Add-PgPerfServer checks the connection).
    $closed = Get-FreeTcpPort
    Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $closed, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
    $script:ids = @{}
    foreach ($name in 'alpha', 'beta', 'down') {
        $script:ids[$name] = [int](Invoke-TestSql -Database $repo.Name "SELECT server_id FROM pgperf.monitored_servers WHERE name = '$name'")
    }

    # Known query logs, half an hour ago (inside -Hours 2). alpha: two statements, six executions, two slow (500 ms and
    # over), one an error; beta: one statement, four executions, one slow. The repository's own log gets five more.
    $at = [DateTimeOffset]::UtcNow.AddMinutes(-30)
    $script:alphaMs = @(10.0, 20.0, 30.0, 45.0, 600.0, 700.0)
    $script:betaMs = @(5.0, 15.0, 25.0, 800.0)
    $i = 0
    $alphaMs | ForEach-Object { [pscustomobject]@{ QueryText = "SELECT * FROM orders_$($i % 2) -- alpha"; DurationMs = $_; LoggedAt = $at; IsError = ($i++ -eq 3) } } |
        Send-PgQueryLog -Repository $r -Server alpha -AlertThresholdMs 0
    $betaMs | ForEach-Object { [pscustomobject]@{ QueryText = 'SELECT * FROM invoices -- beta'; DurationMs = $_; LoggedAt = $at } } |
        Send-PgQueryLog -Repository $r -Server beta -AlertThresholdMs 0
    1..5 | ForEach-Object { [pscustomobject]@{ QueryText = 'SELECT own -- repository'; DurationMs = 900.0; LoggedAt = $at } } |
        Send-PgQueryLog -Connection $r -AlertThresholdMs 0

    # Alerts as the repository holds them: alpha two open and one resolved, beta one open, down one open, and one open
    # of the repository itself (server 0).
    Invoke-TestSql -Database $repo.Name @"
INSERT INTO pgperf.performance_alerts (server_id, alert_type, severity, subject, message, dedup_key, resolved_at, resolved_by) VALUES
  ($($ids.alpha), 'sequence_exhaustion', 'critical', 'public.a_seq', 'm', 'k1', NULL, NULL),
  ($($ids.alpha), 'job_failure', 'warning', 'hourly', 'm', 'k2', NULL, NULL),
  ($($ids.alpha), 'job_failure', 'warning', 'hourly', 'm', 'k3', now(), 'test'),
  ($($ids.beta), 'health_check', 'warning', 'wraparound', 'm', 'k1', NULL, NULL),
  ($($ids.down), 'job_failure', 'critical', 'hourly', 'm', 'k1', NULL, NULL),
  (0, 'slow_query', 'warning', 'own', 'm', 'k1', NULL, NULL)
"@ | Out-Null
    # A stored bloat snapshot per server, each with its own table.
    foreach ($row in @(@('alpha', 'ledger_a', 40960, 81920, 50), @('beta', 'ledger_b', 12288, 49152, 25), @('down', 'ledger_d', 8192, 16384, 50))) {
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, live_tuples, dead_tuples, method, confidence, flags, table_kind) VALUES ($($ids[$row[0]]), now() - interval '5 minutes', 'public', '$($row[1])', $($row[3]), $($row[2]), $($row[4]), 10, 90, 'Estimate', 'Low', '{}', 'Table')" | Out-Null
    }

    $script:fleetFile = Join-Path $TestDrive 'fleet.prom'
    $script:exportErrors = $null
    Export-PgPerfMetric -Repository $r -Path $fleetFile -Hours 2 -ErrorVariable script:exportErrors | Out-Null
    $script:fleet = Read-TestPrometheusFile $fleetFile
}

AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:alpha
    Remove-TestDatabase $script:beta
    Remove-TestMonitorLogin $script:login
}

Describe 'Export-PgPerfMetric -Repository' -Tag 'Integration', 'Repository', 'RepositoryMetrics', 'Report' {
    It 'writes every family once, with all its samples together under its HELP and TYPE, and promtool accepts the file' {
        $exportErrors | Should -HaveCount 0
        $fleet.Families.Count | Should -BeGreaterThan 10
        $fleet.Families | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name | Should -BeNullOrEmpty
        $fleet.Help | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name | Should -BeNullOrEmpty
        $fleet.Help | Should -Be $fleet.Families
        # the same families as a one-server export
        $own = Read-TestPrometheusFile (Export-PgPerfMetric -Connection $r -Path (Join-Path $TestDrive 'own.prom') -Hours 2).FullName
        $fleet.Families | Should -Be $own.Families
        foreach ($s in $fleet.Samples) {
            $s.Name | Should -Be $s.Family -Because 'a sample stands under its own family''s TYPE line'
        }
        $promtool = Get-Command promtool -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $promtool) { Set-ItResult -Skipped -Because 'promtool is not installed (.ci/run installs Debian''s prometheus package)'; return }
        $out = $fleet.Text | & $promtool.Source check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'labels every series with a registered name, and counts each server''s own query log only' {
        ($fleet.Samples | ForEach-Object { $_.Labels['server'] } | Sort-Object -Unique) | Should -Be @('alpha', 'beta', 'down')
        (Get-TestPrometheusSample $fleet 'pgperf_query_executions' @{ server = 'alpha' }).Value | Should -Be $alphaMs.Count
        (Get-TestPrometheusSample $fleet 'pgperf_query_executions' @{ server = 'beta' }).Value | Should -Be $betaMs.Count
        (Get-TestPrometheusSample $fleet 'pgperf_query_executions' @{ server = 'down' }).Value | Should -Be 0
        (Get-TestPrometheusSample $fleet 'pgperf_query_slow_executions' @{ server = 'alpha' }).Value | Should -Be 2
        (Get-TestPrometheusSample $fleet 'pgperf_query_slow_executions' @{ server = 'beta' }).Value | Should -Be 1
        (Get-TestPrometheusSample $fleet 'pgperf_query_error_executions' @{ server = 'alpha' }).Value | Should -Be 1
        (Get-TestPrometheusSample $fleet 'pgperf_query_error_executions' @{ server = 'beta' }).Value | Should -Be 0
        # the repository's own five executions (server 0) are nobody's
        ((Get-TestPrometheusSample $fleet 'pgperf_query_executions') | Measure-Object Value -Sum).Sum | Should -Be ($alphaMs.Count + $betaMs.Count)
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.query_performance_logs WHERE server_id = 0' | Should -Be '5'
    }

    It 'gives each server the percentiles and average of its own executions' {
        foreach ($case in @(@{ Server = 'alpha'; Ms = $alphaMs }, @{ Server = 'beta'; Ms = $betaMs })) {
            foreach ($p in 50, 95, 99) {
                $sample = Get-TestPrometheusSample $fleet 'pgperf_query_duration_seconds' @{ server = $case.Server; percentile = "$p" }
                [math]::Round($sample.Value, 9) | Should -Be ([math]::Round((Get-PercentileCont $case.Ms ($p / 100)) / 1000, 9)) -Because "$($case.Server) p$p"
            }
            [math]::Round((Get-TestPrometheusSample $fleet 'pgperf_query_duration_average_seconds' @{ server = $case.Server }).Value, 9) |
                Should -Be ([math]::Round(($case.Ms | Measure-Object -Average).Average / 1000, 9))
        }
        Get-TestPrometheusSample $fleet 'pgperf_query_duration_seconds' @{ server = 'down' } | Should -HaveCount 0
    }

    It 'lists each server''s top queries by the hashes stored under its id, and none of the other''s' {
        foreach ($name in 'alpha', 'beta') {
            $stored = @(Invoke-TestSql -Database $repo.Name "SELECT query_hash || '=' || count(*) FROM pgperf.query_performance_logs WHERE server_id = $($ids[$name]) GROUP BY query_hash ORDER BY 1")
            $stored.Count | Should -Be $(if ($name -eq 'alpha') { 2 } else { 1 })
            (Get-TestPrometheusSample $fleet 'pgperf_top_query_executions' @{ server = $name } | ForEach-Object { "$($_.Labels['query_hash'])=$($_.Value)" } | Sort-Object) |
                Should -Be $stored
        }
    }

    It 'counts each server''s open alerts by type and severity, as the repository holds them' {
        foreach ($name in 'alpha', 'beta', 'down') {
            $stored = @(Invoke-TestSql -Database $repo.Name "SELECT alert_type || '/' || initcap(severity) || '=' || count(*) FROM pgperf.performance_alerts WHERE server_id = $($ids[$name]) AND resolved_at IS NULL GROUP BY alert_type, severity ORDER BY 1")
            (Get-TestPrometheusSample $fleet 'pgperf_open_alerts' @{ server = $name } | ForEach-Object { "$($_.Labels['type'])/$($_.Labels['severity'])=$($_.Value)" } | Sort-Object) |
                Should -Be $stored -Because $name
        }
        # alpha's as written above: the resolved one left out
        (Get-TestPrometheusSample $fleet 'pgperf_open_alerts' @{ server = 'alpha' } | Measure-Object Value -Sum).Sum | Should -Be 2
        Get-TestPrometheusSample $fleet 'pgperf_open_alerts' @{ type = 'slow_query' } | Should -HaveCount 0
    }

    It 'gives each server its stored bloat, the one that is down from its history' {
        (Get-TestPrometheusSample $fleet 'pgperf_table_bloat_bytes' | ForEach-Object { "$($_.Labels['server']):$($_.Labels['table'])=$($_.Value)" } | Sort-Object) |
            Should -Be @('alpha:ledger_a=40960', 'beta:ledger_b=12288', 'down:ledger_d=8192')
        (Get-TestPrometheusSample $fleet 'pgperf_table_bloat_ratio' @{ server = 'beta'; table = 'ledger_b' }).Value | Should -Be 0.25
    }

    It '-Server picks registered servers by name or wildcard; an unknown exact name is one error and the others are written' {
        $file = Join-Path $TestDrive 'beta.prom'
        Export-PgPerfMetric -Repository $r -Server 'b*' -Path $file -Hours 2 | Out-Null
        $only = Read-TestPrometheusFile $file
        ($only.Samples | ForEach-Object { $_.Labels['server'] } | Sort-Object -Unique) | Should -Be 'beta'
        (Get-TestPrometheusSample $only 'pgperf_query_executions').Value | Should -Be $betaMs.Count

        $errs = $null
        Export-PgPerfMetric -Repository $r -Server alpha, 'no-such-server' -Path $file -Hours 2 -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.ServerNotFound*'
        $two = Read-TestPrometheusFile $file
        ($two.Samples | ForEach-Object { $_.Labels['server'] } | Sort-Object -Unique) | Should -Be 'alpha'
        (Get-TestPrometheusSample $two 'pgperf_query_executions').Value | Should -Be $alphaMs.Count
    }

    It 'leaves the file as it was when no registered server matches, and writes nothing with -WhatIf' {
        $file = Join-Path $TestDrive 'kept.prom'
        Set-Content -LiteralPath $file -Value 'kept' -NoNewline
        $warnings = $null
        Export-PgPerfMetric -Repository $r -Server 'zz*' -Path $file -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings | Should -HaveCount 1
        Get-Content -LiteralPath $file -Raw | Should -Be 'kept'
        Export-PgPerfMetric -Repository $r -Path $file -WhatIf | Should -BeNullOrEmpty
        Get-Content -LiteralPath $file -Raw | Should -Be 'kept'
    }

    It 'refuses -Server without -Repository, and takes -Credential as the repository''s login' {
        { Export-PgPerfMetric -Connection $r -Server alpha -Path (Join-Path $TestDrive 'x.prom') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository,PgPerf.Commands.ExportPgPerfMetricCommand'
        Test-Path (Join-Path $TestDrive 'x.prom') | Should -BeFalse
        $noPassword = $r -replace 'Password=[^;]*;?', ''
        $wrong = [pscredential]::new((Get-TestConnectionPart 'Username'), (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        { Export-PgPerfMetric -Repository $noPassword -Credential $wrong -Path (Join-Path $TestDrive 'x.prom') -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Connection.*'
        $right = [pscredential]::new((Get-TestConnectionPart 'Username'), (ConvertTo-SecureString (Get-TestConnectionPart 'Password') -AsPlainText -Force))
        $file = Export-PgPerfMetric -Repository $noPassword -Credential $right -Server alpha -Path (Join-Path $TestDrive 'x.prom') -Hours 2
        (Get-TestPrometheusSample (Read-TestPrometheusFile $file.FullName) 'pgperf_query_executions').Value | Should -Be $alphaMs.Count
    }
}
