# The application's query log per registered server in a central repository (issue 17, migration 036):
# Send-PgQueryLog -Repository -Server logs an application's executions as a registered server, Get-PgQueryStat and
# Get-PgSlowQuery -Repository [-Server] read them back per server. The expected figures are computed here from the
# known inputs (percentile_cont's interpolation over the sorted durations), never through PgPerf; the rows as stored
# are read with psql.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_rq_repo'
    $script:dbShop = New-TestDatabase 'pgperf_rq_shop'
    $script:dbBilling = New-TestDatabase 'pgperf_rq_bill'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null

    $script:login = New-TestMonitorLogin 'pgperf_t_rq'
    $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:r = $repo.ConnectionString
    $script:shop = (Add-PgPerfServer -Repository $r -Connection (Get-TestMonitoredConnection $login $dbShop.Name) -Name "shop-$suffix").Name
    $script:billing = (Add-PgPerfServer -Repository $r -Connection (Get-TestMonitoredConnection $login $dbBilling.Name) -Name "billing-$suffix").Name
    $script:shopId = [int](Invoke-TestSql -Database $repo.Name "SELECT server_id FROM pgperf.monitored_servers WHERE name = '$shop'")
    $script:billingId = [int](Invoke-TestSql -Database $repo.Name "SELECT server_id FROM pgperf.monitored_servers WHERE name = '$billing'")

    # Known inputs, at most 32 per server and hour (QueryDigest keeps them exactly, so the rollups are exact too), in
    # one whole hour two hours back. shop: 30 executions of two statements, two of them slow; billing: 20 of another,
    # one slow. The texts carry the server's name, so a row of one server in the other's report shows.
    $script:hour = [DateTimeOffset]::new([DateTime]::UtcNow.Date.AddHours([DateTime]::UtcNow.Hour - 2), [TimeSpan]::Zero)
    $script:shopMs = @(1..28 | ForEach-Object { [double](3 * $_ + 0.5) }) + @(600.0, 750.0)
    $script:billingMs = @(1..19 | ForEach-Object { [double](40 + 7 * $_) }) + @(900.0)
    function New-Record([string] $Text, [double] $Ms, [int] $I) {
        [pscustomobject]@{ QueryText = $Text; DurationMs = $Ms; LoggedAt = $hour.AddMinutes($I + 1); Endpoint = '/api' }
    }
    $i = 0
    $script:shopRecords = foreach ($ms in $shopMs) { New-Record ("SELECT * FROM shop_orders WHERE id = {0} -- shop" -f ($i % 2)) $ms ($i++) }
    $i = 0
    $script:billingRecords = foreach ($ms in $billingMs) { New-Record 'SELECT * FROM billing_invoices -- billing' $ms ($i++) }
    $script:shopRecords | Send-PgQueryLog -Repository $r -Server $shop -AlertThresholdMs 0
    $script:billingRecords | Send-PgQueryLog -Repository $r -Server $billing -AlertThresholdMs 0

    function Assert-Stat($Row, [double[]] $Expected, [string] $Server) {
        $Row.Server | Should -Be $Server
        $Row.TotalQueries | Should -Be $Expected.Count
        $Row.SlowQueries | Should -Be @($Expected | Where-Object { $_ -ge 500 }).Count
        $Row.MinDurationMs | Should -Be ($Expected | Measure-Object -Minimum).Minimum
        $Row.MaxDurationMs | Should -Be ($Expected | Measure-Object -Maximum).Maximum
        [math]::Round($Row.TotalDurationMs, 6) | Should -Be ([math]::Round(($Expected | Measure-Object -Sum).Sum, 6))
        [math]::Round($Row.P50DurationMs, 9) | Should -Be ([math]::Round((Get-PercentileCont $Expected 0.5), 9))
        [math]::Round($Row.P95DurationMs, 9) | Should -Be ([math]::Round((Get-PercentileCont $Expected 0.95), 9))
        [math]::Round($Row.P99DurationMs, 9) | Should -Be ([math]::Round((Get-PercentileCont $Expected 0.99), 9))
    }
}

AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:dbShop
    Remove-TestDatabase $script:dbBilling
    Remove-TestMonitorLogin $script:login
}

Describe 'The query log per registered server' -Tag 'Integration', 'Repository', 'QueryLog' {
    It 'stores every record under its server''s id, and none as server 0' {
        Invoke-TestSql -Database $repo.Name "SELECT server_id || ':' || count(*) || ':' || sum(duration_ms) FROM pgperf.query_performance_logs GROUP BY server_id ORDER BY server_id" |
            Should -Be @("${shopId}:30:$(($shopMs | Measure-Object -Sum).Sum)", "${billingId}:20:$(($billingMs | Measure-Object -Sum).Sum)")
        # the slow copies keep the server too
        Invoke-TestSql -Database $repo.Name "SELECT server_id || ':' || count(*) FROM pgperf.query_log_slow GROUP BY server_id ORDER BY server_id" |
            Should -Be @("${shopId}:2", "${billingId}:1")
    }

    It 'Get-PgQueryStat -Repository gives each server its own figures, exact percentiles, read raw and from the rollups' {
        foreach ($pass in 'raw', 'rollups') {
            if ($pass -eq 'rollups') {
                # the repository's hourly job rebuilds each registered server's rollups (one hour each)
                $jobs = @(Invoke-PgHourlyMonitoring -Repository $r)
                foreach ($job in $jobs) {
                    $step = $job.Steps | Where-Object Name -eq 'query rollups'
                    $step.Status | Should -Be 'Succeeded'
                    $step.Count | Should -Be 1 -Because $job.Server
                }
                Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.query_log_dirty_hours" | Should -Be '0'
                Invoke-TestSql -Database $repo.Name "SELECT string_agg(server_id || ':' || total, ',' ORDER BY server_id) FROM pgperf.query_log_hourly_all" |
                    Should -Be "${shopId}:30,${billingId}:20"
            }
            $rows = @(Get-PgQueryStat -Repository $r -Hours 24)
            $rows.Count | Should -Be 2 -Because $pass
            Assert-Stat ($rows | Where-Object Server -eq $shop) $shopMs $shop
            Assert-Stat ($rows | Where-Object Server -eq $billing) $billingMs $billing
        }
    }

    It 'groups by query per server: no text of one server in the other''s rows' {
        $rows = @(Get-PgQueryStat -Repository $r -Server $billing -Hours 24 -GroupBy Query)
        $rows.Count | Should -Be 1
        $rows[0].QueryText | Should -Match 'billing'
        $rows[0].TotalQueries | Should -Be 20
        $shopRows = @(Get-PgQueryStat -Repository $r -Server $shop -Hours 24 -GroupBy Query)
        ($shopRows.TotalQueries | Measure-Object -Sum).Sum | Should -Be 30
        $shopRows.QueryText | ForEach-Object { $_ | Should -Match 'shop' }
        $shopRows.Server | Sort-Object -Unique | Should -Be $shop
    }

    It 'Get-PgSlowQuery -Repository -Server reads one server''s slow executions, with its name' {
        $rows = @(Get-PgSlowQuery -Repository $r -Server $shop -Hours 24)
        $rows.DurationMs | Should -Be @(750.0, 600.0)
        $rows.Server | Sort-Object -Unique | Should -Be $shop
        $rows.QueryText | ForEach-Object { $_ | Should -Match 'shop' }
        $all = @(Get-PgSlowQuery -Repository $r -Hours 24 -MinDurationMs 100)
        @($all | Where-Object Server -eq $billing).DurationMs | Should -Be @(900.0, 173.0, 166.0, 159.0, 152.0, 145.0, 138.0, 131.0, 124.0, 117.0, 110.0, 103.0)
        @($all | Where-Object Server -eq $shop).Count | Should -Be 2
        @($all | Where-Object { $_.Server -notin $shop, $billing }).Count | Should -Be 0
    }

    It '-Server takes wildcards' {
        @(Get-PgQueryStat -Repository $r -Server 'bill*' -Hours 24).Server | Should -Be $billing
    }

    It 'server 0 is the repository''s own log, unchanged: the registered servers'' rows are not in it' {
        $own = @(Get-PgQueryStat -Connection $r -Hours 24)
        $own.Count | Should -Be 1
        $own[0].TotalQueries | Should -Be 0
        @(Get-PgSlowQuery -Connection $r -Hours 24).Count | Should -Be 0
        Send-PgQueryLog -Connection $r -QueryText 'SELECT own' -DurationMs 5 -AlertThresholdMs 0
        (Get-PgQueryStat -Connection $r -Hours 1).TotalQueries | Should -Be 1
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.get_slow_queries(24, 0)" | Should -Be '1'
        (@(Get-PgQueryStat -Repository $r -Server $shop -Hours 24)).TotalQueries | Should -Be 30
    }

    It 'an unregistered -Server name is a clear error, and nothing is written' {
        $before = Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.query_performance_logs'
        { Send-PgQueryLog -Repository $r -Server 'no-such-server' -QueryText 'SELECT 1' -DurationMs 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.ServerNotFound*'
        { Send-PgQueryLog -Repository $r -Server 'shop*' -QueryText 'SELECT 1' -DurationMs 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Query.InvalidArgument*'
        { Send-PgQueryLog -Server $shop -QueryText 'SELECT 1' -DurationMs 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository*'
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.query_performance_logs' | Should -Be $before
        $err = $null
        $rows = @(Get-PgQueryStat -Repository $r -Server 'no-such-server' -Hours 24 -ErrorVariable err -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.ServerNotFound*'
    }

    It '-PassThru rows name the registered server and pipe into its report' {
        $rows = @(Send-PgQueryLog -Repository $r -Server $billing -QueryText 'SELECT 2 -- billing' -DurationMs 1 -AlertThresholdMs 0 -PassThru)
        $rows.Server | Should -Be $billing
        # the row's Connection is the registered server's: read in the repository, as billing
        $stat = @($rows[0] | Select-Object Connection, QueryHash | Get-PgQueryStat -Hours 1 -GroupBy Query)
        $stat.Server | Should -Be $billing
        $stat.TotalQueries | Should -Be 1
    }

    It 'a slow execution sent for a registered server opens that server''s slow_query alert; its hourly job closes it after a quiet hour' {
        $at = [DateTimeOffset]::UtcNow.AddMinutes(-5)
        # over the default threshold (500 ms): each opens its own server's alert
        [pscustomobject]@{ QueryText = 'SELECT pg_sleep(1.2) -- shop alert'; DurationMs = 1200.0; LoggedAt = $at } | Send-PgQueryLog -Repository $r -Server $shop
        [pscustomobject]@{ QueryText = 'SELECT pg_sleep(0.8) -- billing alert'; DurationMs = 800.0; LoggedAt = $at } | Send-PgQueryLog -Repository $r -Server $billing
        $open = "SELECT string_agg(server_id || ':' || occurrences || ':' || (details->>'max_duration_ms'), ',' ORDER BY server_id) FROM pgperf.performance_alerts WHERE alert_type = 'slow_query' AND resolved_at IS NULL"
        Invoke-TestSql -Database $repo.Name $open | Should -Be "${shopId}:1:1200,${billingId}:1:800"
        $alert = @(Get-PgPerfAlert -Repository $r -Server $shop -Type slow_query -Open)
        $alert.Server | Should -Be $shop
        $alert.Subject | Should -Match 'shop alert'
        # both last seen two hours ago: shop's hourly run closes shop's only
        Invoke-TestSql -Database $repo.Name "UPDATE pgperf.performance_alerts SET last_seen_at = now() - interval '2 hours' WHERE alert_type = 'slow_query'" | Out-Null
        $job = Invoke-PgHourlyMonitoring -Repository $r -Server $shop
        ($job.Steps | Where-Object Name -eq 'query performance').Status | Should -Be 'Succeeded'
        Invoke-TestSql -Database $repo.Name $open | Should -Be "${billingId}:1:800"
    }

    It 'removing a server removes its query log and rollups, and leaves the other''s' {
        Get-PgPerfServer -Repository $r -Name $shop | Remove-PgPerfServer -Confirm:$false
        $tables = 'query_performance_logs', 'query_log_slow', 'query_log_hourly', 'query_log_daily', 'query_log_hourly_all', 'query_log_daily_all',
            'query_log_blocks', 'query_log_texts', 'query_log_dirty_hours', 'query_log_rollup_pending'
        foreach ($t in $tables) {
            Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.$t WHERE server_id = $shopId" | Should -Be '0' -Because $t
        }
        (@(Get-PgQueryStat -Repository $r -Server $billing -Hours 24)).TotalQueries | Should -Be 22   # 20 + the -PassThru row + the alert's
    }
}
