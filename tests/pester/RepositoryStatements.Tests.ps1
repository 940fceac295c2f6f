# Statement reports from a central repository (issue 17): Get-PgTopStatement, Get-PgStatementTrend and
# Compare-PgStatement with -Repository and -Server read each registered server's own statistics.
# Two servers are registered, each through a pg_monitor login to its own database. Both databases are on the test's
# one PostgreSQL, whose pg_stat_statements is server-wide: each registered database stores only its own database's
# entries (migration 032), so nothing is stored twice. The expected figures are the differences of pg_stat_statements
# itself per database between the snapshots' moments, read here with psql, never through PgPerf.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_rs_repo'
    $script:dbShop = New-TestDatabase 'pgperf_rs_shop'
    $script:dbBilling = New-TestDatabase 'pgperf_rs_bill'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null
    foreach ($db in $dbShop, $dbBilling) { Invoke-TestSql -Database $db.Name 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' | Out-Null }

    $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:monitorRole = "pgperf_t_rs_$suffix"
    $rolePassword = "pw-$([guid]::NewGuid().ToString('N'))"
    Invoke-TestSql "CREATE ROLE $monitorRole LOGIN PASSWORD '$rolePassword' IN ROLE pg_monitor" | Out-Null
    $script:pgpass = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-rs-$suffix.pgpass"
    $port = Get-TestConnectionPart 'Port'
    Set-Content -Path $pgpass -Value "127.0.0.1:${port}:*:${monitorRole}:$rolePassword"
    if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($pgpass, [System.IO.UnixFileMode]'UserRead, UserWrite') }
    $script:r = $repo.ConnectionString
    $shopServer = Add-PgPerfServer -Repository $r -Connection "Host=127.0.0.1;Port=$port;Database=$($dbShop.Name);Username=$monitorRole;Passfile=$pgpass" -Name "shop-$suffix"
    $billingServer = Add-PgPerfServer -Repository $r -Connection "Host=127.0.0.1;Port=$port;Database=$($dbBilling.Name);Username=$monitorRole;Passfile=$pgpass" -Name "billing-$suffix"
    $script:shop = $shopServer.Name
    $script:billing = $billingServer.Name

    # X runs in the shop database, first fast then slow (same queryid: constants are not part of it); Y in billing.
    $script:tableX = "rs_x_$suffix"
    $script:tableY = "rs_y_$suffix"
    Invoke-TestSql -Database $dbShop.Name "CREATE TABLE $tableX (i int); INSERT INTO $tableX VALUES (1)" | Out-Null
    # Y runs as its own role, which is renamed at the end: a report must show the name the server had when read.
    $script:appRole = "rs_app_$suffix"
    Invoke-TestSql "CREATE ROLE $appRole NOLOGIN" | Out-Null
    Invoke-TestSql -Database $dbBilling.Name "CREATE TABLE $tableY (i int); INSERT INTO $tableY VALUES (1); GRANT SELECT ON $tableY TO $appRole" | Out-Null
    function Invoke-X([int] $Times, [double] $SleepSeconds) {
        Invoke-TestSql -Database $dbShop.Name ((1..$Times | ForEach-Object { "SELECT i, pg_sleep($SleepSeconds) FROM $tableX" }) -join ";`n") | Out-Null
    }
    # Z runs in both databases. It reads only pg_class (the same oid in every database), so it has one queryid in
    # both: each database's share is kept by its own registered server, under that database.
    $script:zMark = "rs_z_$suffix"
    function Invoke-Z([string] $Database, [int] $Times) {
        Invoke-TestSql -Database $Database ((1..$Times | ForEach-Object { "SELECT count(*) AS $zMark FROM pg_class WHERE relname = 'x' AND relpages >= 0 AND relnatts >= 0" }) -join ";`n") | Out-Null
    }
    function Invoke-Y([int] $Times) {
        Invoke-TestSql -Database $dbBilling.Name ("SET ROLE $appRole;`n" + ((1..$Times | ForEach-Object { "SELECT count(*) FROM $tableY" }) -join ";`n")) | Out-Null
    }
    # pg_stat_statements' own counters for X and Y now: @{ X = @{ QueryId; Calls; TotalMs }; Y = ... }.
    function Get-Truth {
        $truth = @{}
        foreach ($pair in @(@('X', $dbShop.Name, $tableX), @('Y', $dbBilling.Name, $tableY), @('ZShop', $dbShop.Name, $zMark), @('ZBilling', $dbBilling.Name, $zMark))) {
            $row = Invoke-TestSql -Database $pair[1] @"
SELECT coalesce(max(s.queryid), 0) || '|' || coalesce(sum(s.calls), 0) || '|' || coalesce(sum(s.total_exec_time), 0)
  FROM pg_stat_statements s
 WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.query ~ '(FROM|AS) $($pair[2])\M'
"@
            $id, $calls, $ms = $row -split '\|'
            $truth[$pair[0]] = @{ QueryId = [long]$id; Calls = [long]$calls; TotalMs = [double]$ms }
        }
        # Z over the whole server, every database (pg_stat_statements shows them all from any of them)
        $truth['ZServer'] = @{ Calls = [long](Invoke-TestSql -Database $dbShop.Name "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query ~ 'AS $zMark\M'"); TotalMs = 0 }
        $truth
    }
    function Get-Delta($After, $Before, [string] $Key) {
        @{ Calls = $After[$Key].Calls - $Before[$Key].Calls; TotalMs = $After[$Key].TotalMs - $Before[$Key].TotalMs }
    }

    # The timeline. Both baselines; X once; both snapshot; t0; X fast; shop snapshot (S1); X slow; shop snapshot (S2); Y; billing snapshot (B1).
    Invoke-PgStatementSnapshot -Repository $r | Out-Null
    Invoke-X 1 0.001   # X has its entry before the first reading; this interval ends before the reports' windows
    Invoke-PgStatementSnapshot -Repository $r | Out-Null
    $script:t0 = [DateTimeOffset]::UtcNow
    $script:p0 = Get-Truth
    Invoke-Z $dbShop.Name 5
    Invoke-Z $dbBilling.Name 3
    Invoke-X 10 0.001
    $script:s1 = Invoke-PgStatementSnapshot -Repository $r -Server $shop
    $script:p1 = Get-Truth
    Invoke-X 10 0.03
    $script:s2 = Invoke-PgStatementSnapshot -Repository $r -Server $shop
    $script:p2 = Get-Truth
    Invoke-Y 7
    $script:b1 = Invoke-PgStatementSnapshot -Repository $r -Server $billing
    $script:p3 = Get-Truth
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:dbShop
    Remove-TestDatabase $script:dbBilling
    Invoke-TestSql "DROP ROLE IF EXISTS $monitorRole" -AllowError | Out-Null
    Invoke-TestSql "DROP ROLE IF EXISTS $appRole; DROP ROLE IF EXISTS ${appRole}_renamed" -AllowError | Out-Null
    Remove-Item $script:pgpass -ErrorAction SilentlyContinue
}

Describe 'Statement reports per registered server' -Tag 'Integration', 'Repository', 'Statements' {
    It 'the timeline ran as planned: X ran only before the billing workload, Y only after shop''s last snapshot' {
        $p0.X.QueryId | Should -Not -Be 0
        $p3.Y.QueryId | Should -Not -Be 0
        (Get-Delta $p2 $p0 'X').Calls | Should -Be 20
        (Get-Delta $p2 $p0 'Y').Calls | Should -Be 0
        (Get-Delta $p3 $p2 'Y').Calls | Should -Be 7
        (Get-Delta $p3 $p2 'X').Calls | Should -Be 0
    }

    It 'Get-PgTopStatement gives each server''s figures as its own pg_stat_statements deltas say, named by server' {
        $rows = Get-PgTopStatement -Repository $r -Since $t0 -Top 0 -QueryId $p0.X.QueryId, $p3.Y.QueryId
        $shopX = @($rows | Where-Object { $_.Server -eq $shop -and $_.QueryId -eq $p0.X.QueryId })
        $billX = @($rows | Where-Object { $_.Server -eq $billing -and $_.QueryId -eq $p0.X.QueryId })
        $billY = @($rows | Where-Object { $_.Server -eq $billing -and $_.QueryId -eq $p3.Y.QueryId })
        @($rows | Where-Object { $_.Server -eq $shop -and $_.QueryId -eq $p3.Y.QueryId }) | Should -HaveCount 0 -Because 'Y ran in billing''s database'
        $billX | Should -HaveCount 0 -Because 'X ran in shop''s database: billing stores only its own database''s statements'
        $shopX | Should -HaveCount 1
        $billY | Should -HaveCount 1
        # shop: X from its snapshot after p0 to S2 (= p2 - p0); billing: Y from its snapshot after p0 to B1 (= p3 - p0).
        $shopX[0].Calls | Should -Be (Get-Delta $p2 $p0 'X').Calls
        $shopX[0].TotalTimeMs | Should -BeGreaterThan ((Get-Delta $p2 $p0 'X').TotalMs - 0.001)
        $shopX[0].TotalTimeMs | Should -BeLessThan ((Get-Delta $p2 $p0 'X').TotalMs + 0.001)
        $billY[0].Calls | Should -Be (Get-Delta $p3 $p0 'Y').Calls
        $billY[0].TotalTimeMs | Should -BeGreaterThan ((Get-Delta $p3 $p0 'Y').TotalMs - 0.001)
        $billY[0].TotalTimeMs | Should -BeLessThan ((Get-Delta $p3 $p0 'Y').TotalMs + 0.001)
        # Each server's share is of its own time: shop's X is not diluted by billing's Y.
        $shopAll = @(Get-PgTopStatement -Repository $r -Server $shop -Since $t0 -Top 0)
        ($shopAll | Measure-Object ShareOfTotalTime -Sum).Sum | Should -BeGreaterThan 0.999
        ($shopAll | Measure-Object ShareOfTotalTime -Sum).Sum | Should -BeLessThan 1.001
    }

    It '-Server filters, with wildcards' {
        $onlyShop = @(Get-PgTopStatement -Repository $r -Server $shop -Since $t0 -Top 0)
        $onlyShop.Count | Should -BeGreaterThan 0
        @($onlyShop.Server | Sort-Object -Unique) | Should -Be @($shop)
        $byWildcard = @(Get-PgTopStatement -Repository $r -Server 'BILL*' -Since $t0 -Top 0)
        $byWildcard.Count | Should -BeGreaterThan 0
        @($byWildcard.Server | Sort-Object -Unique) | Should -Be @($billing)
        $both = @(Get-PgTopStatement -Repository $r -Since $t0 -Top 0)
        @($both.Server | Sort-Object -Unique) | Should -Be (@($shop, $billing) | Sort-Object)
    }

    It 'an unknown -Server is an error that names it; -Server without -Repository is refused' {
        $rows = @(Get-PgTopStatement -Repository $r -Server 'nosuch' -ErrorVariable errs -ErrorAction SilentlyContinue)
        $rows | Should -HaveCount 0
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.ServerNotFound'
        $errs[0].Exception.Message | Should -Match 'nosuch'
        $err = { Compare-PgStatement -Connection $r -Server $shop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.ServerWithoutRepository'
    }

    It 'Get-PgStatementTrend reads the named server''s hours only' {
        $shopTrend = @(Get-PgStatementTrend -Repository $r -Server $shop -QueryId $p0.X.QueryId -Since $t0)
        ($shopTrend | Measure-Object Calls -Sum).Sum | Should -Be (Get-Delta $p2 $p0 'X').Calls
        @($shopTrend.Server | Sort-Object -Unique) | Should -Be @($shop)
        @(Get-PgStatementTrend -Repository $r -Server $shop -QueryId $p3.Y.QueryId -Since $t0) | Should -HaveCount 0
        $billTrend = @(Get-PgStatementTrend -Repository $r -Server $billing -QueryId $p3.Y.QueryId -Since $t0)
        ($billTrend | Measure-Object Calls -Sum).Sum | Should -Be (Get-Delta $p3 $p0 'Y').Calls
    }

    It 'Compare-PgStatement compares each server''s own windows' {
        # Baseline: shop's interval ending at S1 (X fast); current: its interval ending at S2 (X slow). Billing has
        # no interval ending in the baseline window, so it has nothing to compare.
        $rows = @(Compare-PgStatement -Repository $r -BaselineStart $t0 -BaselineEnd $s1.CapturedAt -Start $s1.CapturedAt -End $s2.CapturedAt -MinCalls 10)
        $x = @($rows | Where-Object QueryId -eq $p0.X.QueryId)
        $x | Should -HaveCount 1
        $x[0].Server | Should -Be $shop
        $baseline = Get-Delta $p1 $p0 'X'
        $current = Get-Delta $p2 $p1 'X'
        $x[0].BaselineCalls | Should -Be $baseline.Calls
        $x[0].CurrentCalls | Should -Be $current.Calls
        $x[0].BaselineMeanMs | Should -BeGreaterThan ($baseline.TotalMs / $baseline.Calls - 0.001)
        $x[0].BaselineMeanMs | Should -BeLessThan ($baseline.TotalMs / $baseline.Calls + 0.001)
        $x[0].CurrentMeanMs | Should -BeGreaterThan ($current.TotalMs / $current.Calls - 0.001)
        $x[0].CurrentMeanMs | Should -BeLessThan ($current.TotalMs / $current.Calls + 0.001)
        @($rows | Where-Object Server -eq $billing) | Should -HaveCount 0
    }

    It 'without -Repository reads the target''s own statistics (server 0), which a repository does not mix in' {
        @(Get-PgTopStatement -Connection $r -Since $t0 -Top 0 -QueryId $p0.X.QueryId, $p3.Y.QueryId) | Should -HaveCount 0
    }

    It 'rows of Get-PgTopStatement -Repository piped into Get-PgStatementTrend read the same repository and server' {
        $top = @(Get-PgTopStatement -Repository $r -Since $t0 -Top 0 -QueryId $p0.X.QueryId, $p3.Y.QueryId)
        $top | Should -HaveCount 2   # shop's X and billing's Y: each registered database keeps only its own statements
        $trend = @($top | Get-PgStatementTrend -Since $t0 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 0
        @($trend.Server | Sort-Object -Unique) | Should -Be (@($shop, $billing) | Sort-Object)
        $shopX = @($trend | Where-Object { $_.Server -eq $shop -and $_.QueryId -eq $p0.X.QueryId })
        ($shopX | Measure-Object Calls -Sum).Sum | Should -Be (Get-Delta $p2 $p0 'X').Calls
        $billY = @($trend | Where-Object { $_.Server -eq $billing -and $_.QueryId -eq $p3.Y.QueryId })
        ($billY | Measure-Object Calls -Sum).Sum | Should -Be (Get-Delta $p3 $p0 'Y').Calls
        @($trend | Where-Object { $_.Server -eq $shop -and $_.QueryId -eq $p3.Y.QueryId }) | Should -HaveCount 0
    }

    It 'registered servers piped from Get-PgPerfServer are compared from the repository, each as itself' {
        $rows = @(Get-PgPerfServer -Repository $r |
            Compare-PgStatement -BaselineStart $t0 -BaselineEnd $s1.CapturedAt -Start $s1.CapturedAt -End $s2.CapturedAt -MinCalls 10 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 0
        $x = @($rows | Where-Object QueryId -eq $p0.X.QueryId)
        $x | Should -HaveCount 1
        $x[0].Server | Should -Be $shop
        $x[0].BaselineCalls | Should -Be (Get-Delta $p1 $p0 'X').Calls
        $x[0].CurrentCalls | Should -Be (Get-Delta $p2 $p1 'X').Calls
        @($rows | Where-Object Server -eq $billing) | Should -HaveCount 0
    }

    It 'names databases and users as the server named them when it was read, and -Database filters by that name' {
        # Renamed on the server after its last snapshot: the repository's catalog (the same PostgreSQL here) has
        # the new name, the report the one the snapshot read.
        Invoke-TestSql "ALTER ROLE $appRole RENAME TO ${appRole}_renamed" | Out-Null
        $y = @(Get-PgTopStatement -Repository $r -Server $billing -Since $t0 -Top 0 -QueryId $p3.Y.QueryId)
        $y | Should -HaveCount 1
        $y[0].Database | Should -Be $dbBilling.Name
        $y[0].User | Should -Be $appRole
        @(Get-PgTopStatement -Repository $r -Server $billing -Since $t0 -Top 0 -Database $dbShop.Name) | Should -HaveCount 0
        $x = @(Get-PgTopStatement -Repository $r -Server $shop -Since $t0 -Top 0 -Database $dbShop.Name -QueryId $p0.X.QueryId, $p3.Y.QueryId)
        $x | Should -HaveCount 1
        $x[0].QueryId | Should -Be $p0.X.QueryId
        $x[0].User | Should -Be (Get-TestConnectionPart 'Username')
    }
}

Describe 'Statements once per database of a server' -Tag 'Integration', 'Repository', 'Statements' {
    It 'each registered database stores only its own database''s entries: no statement is stored twice' {
        # the databases' oids, from the monitored server's own catalog
        $oids = @{}
        foreach ($db in $dbShop, $dbBilling) { $oids[$db.Name] = Invoke-TestSql "SELECT oid FROM pg_database WHERE datname = '$($db.Name)'" }
        $ids = @{}
        foreach ($s in Get-PgPerfServer -Repository $r) { $ids[$s.Name] = $s.ServerId }
        Invoke-TestSql -Database $repo.Name "SELECT string_agg(DISTINCT dbid::text, ',') FROM pgperf.statement_history WHERE server_id = $($ids[$shop])" |
            Should -Be $oids[$dbShop.Name]
        Invoke-TestSql -Database $repo.Name "SELECT string_agg(DISTINCT dbid::text, ',') FROM pgperf.statement_last WHERE server_id = $($ids[$billing])" |
            Should -Be $oids[$dbBilling.Name]
        # the same entry (database, user, queryid, level) is never held by two servers
        Invoke-TestSql -Database $repo.Name @"
SELECT count(*) FROM (SELECT dbid, userid, queryid, toplevel FROM pgperf.statement_history
                       GROUP BY 1, 2, 3, 4 HAVING count(DISTINCT server_id) > 1) d
"@ | Should -Be '0'
    }

    It 'a statement run in both databases is each database''s share, and the shares add up to the server''s' {
        $p3.ZShop.QueryId | Should -Be $p3.ZBilling.QueryId -Because 'Z reads only a shared catalog oid: one queryid in both databases'
        $shopZ = Get-Delta $p3 $p0 'ZShop'
        $billZ = Get-Delta $p3 $p0 'ZBilling'
        $shopZ.Calls | Should -Be 5
        $billZ.Calls | Should -Be 3
        $rows = @(Get-PgTopStatement -Repository $r -Since $t0 -Top 0 -QueryId $p3.ZBilling.QueryId)
        $rows | Should -HaveCount 2
        $atShop = @($rows | Where-Object Server -eq $shop)
        $atBilling = @($rows | Where-Object Server -eq $billing)
        $atShop.Database | Should -Be $dbShop.Name
        $atShop.Calls | Should -Be $shopZ.Calls
        $atShop.TotalTimeMs | Should -BeGreaterThan ($shopZ.TotalMs - 0.001)
        $atShop.TotalTimeMs | Should -BeLessThan ($shopZ.TotalMs + 0.001)
        $atBilling.Database | Should -Be $dbBilling.Name
        $atBilling.Calls | Should -Be $billZ.Calls
        $atBilling.TotalTimeMs | Should -BeGreaterThan ($billZ.TotalMs - 0.001)
        $atBilling.TotalTimeMs | Should -BeLessThan ($billZ.TotalMs + 0.001)
        # the server's own figure for Z over both databases, read with psql: the two servers' figures add up to it
        ($rows | Measure-Object Calls -Sum).Sum | Should -Be (Get-Delta $p3 $p0 'ZServer').Calls
    }
}

Describe 'Export-PgPerfReport -Repository' -Tag 'Integration', 'Repository', 'Report' {
    # One page for both registered servers. Bloat: two snapshots of a bloated table stored for billing only (40 % and
    # 50 %), so its chart is billing's alone; the statements are those of the timeline above.
    BeforeAll {
        $billingId = [int](Invoke-TestSql -Database $repo.Name "SELECT server_id FROM pgperf.monitored_servers WHERE name = '$billing'")
        Invoke-TestSql -Database $repo.Name @"
INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, method, confidence)
VALUES ($billingId, now() - interval '20 minutes', 'public', 'rs_bloated', 4000000, 1600000, 40, 'Estimate', 'High'),
       ($billingId, now() - interval '5 minutes', 'public', 'rs_bloated', 4000000, 2000000, 50, 'Estimate', 'High')
"@ | Out-Null
        $script:bloatTimes = @(Invoke-TestSql -Database $repo.Name "SELECT extract(epoch FROM date_trunc('second', captured_at))::bigint FROM pgperf.table_bloat_snapshots WHERE server_id = $billingId AND tablename = 'rs_bloated' ORDER BY captured_at")
        $script:page = Join-Path $TestDrive 'fleet.html'
        $script:file = Export-PgPerfReport -Repository $r -Path $page -Hours 2 -Top 1000   # every statement, so Y is in it
        $script:html = Get-Content -LiteralPath $page -Raw
        $script:data = [regex]::Match($html, '<script type="application/json" id="pgperf-data">(.*?)</script>', 'Singleline').Groups[1].Value | ConvertFrom-Json
        $window = [regex]::Match($html, '(\d{4}-\d\d-\d\d \d\d:\d\d) UTC to (\d{4}-\d\d-\d\d \d\d:\d\d) UTC')
        $parse = { param($text) [DateTimeOffset]::ParseExact($text, 'yyyy-MM-dd HH:mm', [cultureinfo]::InvariantCulture, 'AssumeUniversal') }
        $script:start = & $parse $window.Groups[1].Value
        $script:end = & $parse $window.Groups[2].Value
        function Get-ServerSection([string] $Name) {
            $m = [regex]::Match($html, "<section class=""server"" id=""(server-\d+)"" data-server=""$([regex]::Escape($Name))"">(.*?)</section>", 'Singleline')
            [pscustomobject]@{ Found = $m.Success; Id = $m.Groups[1].Value; Html = $m.Groups[2].Value }
        }
        function Get-StatementIds([string] $SectionHtml) {
            $table = [regex]::Match($SectionHtml, '<h3>Top statements</h3>(.*?)<h3>', 'Singleline').Groups[1].Value
            @([regex]::Matches($table, '<tr><td>(-?\d+)</td>') | ForEach-Object { $_.Groups[1].Value })
        }
    }

    It 'writes one page with one section per registered server' {
        $file.FullName | Should -Be $page
        [regex]::Matches($html, '<section class="server"') | Should -HaveCount 2
        (Get-ServerSection $shop).Found | Should -BeTrue
        (Get-ServerSection $billing).Found | Should -BeTrue
    }

    It 'lists each server''s top statements as Get-PgTopStatement -Repository -Server gives them, each its own' {
        foreach ($name in $shop, $billing) {
            $expected = @(Get-PgTopStatement -Repository $r -Server $name -Since $start -Until $end -Top 1000)
            $expected.Count | Should -BeGreaterThan 0 -Because $name
            Get-StatementIds (Get-ServerSection $name).Html | Should -Be @($expected | ForEach-Object { "$($_.QueryId)" }) -Because $name
        }
        # Y ran in billing after shop's last snapshot (pg_stat_statements said so with psql): only billing's section has it.
        Get-StatementIds (Get-ServerSection $billing).Html | Should -Contain "$($p3.Y.QueryId)"
        Get-StatementIds (Get-ServerSection $shop).Html | Should -Not -Contain "$($p3.Y.QueryId)"
    }

    It 'charts the bloated table in the section of the server whose history has it, with the stored figures' {
        $billingSection = Get-ServerSection $billing
        $chart = $data.charts | Where-Object id -eq "$($billingSection.Id)-bloat"
        $chart | Should -Not -BeNullOrEmpty
        $series = $chart.series | Where-Object label -eq 'public.rs_bloated'
        $values = for ($i = 0; $i -lt $chart.x.Count; $i++) { if ($null -ne $series.values[$i]) { '{0}={1}' -f $chart.x[$i], $series.values[$i] } }
        $values | Should -Be @("$($bloatTimes[0])=40", "$($bloatTimes[1])=50")
        $shopSection = Get-ServerSection $shop
        @($data.charts | Where-Object id -eq "$($shopSection.Id)-bloat") | Should -HaveCount 0
        $shopSection.Html | Should -Match 'No table of this server was 10 % or more bloated'
    }

    It 'loads in a real browser with no script error and draws each server''s chart' {
        if (-not (Get-TestChromium)) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs Debian''s chromium package)'; return }
        $dom = Get-RenderedDom $page
        Get-RootAttribute $dom 'data-report-status' | Should -Be 'ready'
        Get-RootAttribute $dom 'data-errors' | Should -Be '0'
        Get-RootAttribute $dom 'data-charts' | Should -Be "$(@($data.charts).Count)"
        foreach ($chart in $data.charts) {
            [regex]::Match($dom, "<figure[^>]*id=`"$($chart.id)`"[^>]*>").Value | Should -Match 'data-drawn="1"' -Because "uPlot drew chart $($chart.id)"
        }
    }

    It 'takes -Server (wildcards), and refuses -Server without -Repository' {
        $one = Join-Path $TestDrive 'billing.html'
        Export-PgPerfReport -Repository $r -Server 'BILL*' -Path $one -Hours 2 | Out-Null
        $oneHtml = Get-Content -LiteralPath $one -Raw
        [regex]::Matches($oneHtml, '<section class="server"') | Should -HaveCount 1
        $oneHtml | Should -Match ([regex]::Escape("data-server=""$billing"""))
        $err = { Export-PgPerfReport -Connection $r -Server $billing -Path $one } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.ServerWithoutRepository'
    }
}
