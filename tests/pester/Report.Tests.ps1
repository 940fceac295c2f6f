BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null
    $script:empty = New-TestDatabase
    Install-PgPerfSchema -Connection $empty.ConnectionString | Out-Null

    # Three statements over the last six hours, a slow one among them, and text that tries to break out of the page.
    $script:Hostile = "SELECT '</script><script>document.documentElement.setAttribute(''data-pwned'',''1'')</script>' AS x, '<img src=x onerror=alert(1)> & `"q`" {{data}} ünïcødé'"
    $now = [DateTimeOffset]::UtcNow
    $rows = foreach ($h in 0..5) {
        foreach ($i in 1..12) {
            [pscustomobject]@{ QueryText = "SELECT * FROM report_orders WHERE id = $i"; DurationMs = 10 * $i + $h; LoggedAt = $now.AddHours(-$h).AddMinutes(-3 * $i); Endpoint = '/api/orders' }
            [pscustomobject]@{ QueryText = "UPDATE report_stock SET n = n - 1 WHERE sku = '$i'"; DurationMs = 100 * $i + 7 * $h; LoggedAt = $now.AddHours(-$h).AddMinutes(-2 * $i); Endpoint = '/api/stock' }
        }
    }
    $rows += [pscustomobject]@{ QueryText = $Hostile; DurationMs = 2500; LoggedAt = $now.AddMinutes(-1); Endpoint = '/api/<b>x</b></script>' }
    $rows | Send-PgQueryLog -Connection $cs
    # Roll the past hours up, then add a row to one of them: the report must read rolled-up and dirty hours alike.
    Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
    [pscustomobject]@{ QueryText = 'SELECT * FROM report_orders WHERE id = 1'; DurationMs = 999; LoggedAt = $now.AddHours(-3) } | Send-PgQueryLog -Connection $cs

    # Server-side statements: the hourly job above took the baseline snapshot; a workload, then a second snapshot.
    Invoke-TestSql -Database $db.Name ((1..10 | ForEach-Object { 'SELECT pg_sleep(0.002), 1 AS report_statement;' }) -join ' ') | Out-Null
    Invoke-PgStatementSnapshot -Connection $cs | Out-Null
    $topLevel = if ((Get-TestServerVersionNum) -ge 140000) { 's.toplevel' } else { 'true' }   # 13 has no toplevel: every row is
    $script:statementId = [long](Invoke-TestSql -Database $db.Name "SELECT queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query LIKE '%report_statement%' AND $topLevel LIMIT 1")
    # A regression in the default windows (the last 24 h against the 7 days before): 1 ms a call then, 9 ms now.
    $ids = Invoke-TestSql -Database $db.Name "SELECT dbid || ' ' || userid FROM pgperf.statement_history WHERE queryid = $statementId LIMIT 1"
    $dbid, $userid = $ids -split ' '
    Invoke-TestSql -Database $db.Name @"
SELECT pgperf.ensure_statement_history_partitions(ARRAY[((now() - interval '3 days') AT TIME ZONE 'UTC')::date, ((now() - interval '2 hours') AT TIME ZONE 'UTC')::date]);
INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
VALUES (now() - interval '3 days', $dbid, $userid, $statementId, true, 100, 100, 100, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
       (now() - interval '2 hours', $dbid, $userid, $statementId, true, 100, 900, 8100, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
"@ | Out-Null

    # A bloated table and index (deletes, no VACUUM FULL), two bloat snapshots in the window: one stored three hours ago, one now.
    Invoke-TestSql -Database $db.Name @'
CREATE TABLE report_bloat (id int, payload text) WITH (autovacuum_enabled = off);
INSERT INTO report_bloat SELECT i, repeat('x', 60) FROM generate_series(1, 40000) i;
CREATE INDEX report_bloat_payload ON report_bloat (payload, id);
DELETE FROM report_bloat WHERE id % 10 < 7;
'@ | Out-Null
    Invoke-TestSql -Database $db.Name 'VACUUM ANALYZE report_bloat' | Out-Null
    Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.table_bloat_snapshots (captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, method, confidence) VALUES (now() - interval '3 hours', 'public', 'report_bloat', 3000000, 1500000, 50, 'Estimate', 'High')" | Out-Null
    Invoke-PgBloatSnapshot -Connection $cs -NoConfirm | Out-Null

    function Get-ReportData([string] $Path) {
        $html = Get-Content -LiteralPath $Path -Raw
        $m = [regex]::Match($html, '<script type="application/json" id="pgperf-data">(.*?)</script>', 'Singleline')
        if (-not $m.Success) { throw "No data block in $Path" }
        $m.Groups[1].Value | ConvertFrom-Json
    }
    function Get-Chart($Data, [string] $Id) { $Data.charts | Where-Object id -eq $Id }
}
AfterAll {
    Remove-TestDatabase $script:db
    Remove-TestDatabase $script:empty
}

Describe 'Export-PgPerfReport' -Tag 'Integration', 'Report' {
    BeforeAll {
        # Some checks read server-wide figures that other tests move meanwhile (cache_hit counts every database's
        # blocks): the report's status must be one the check gave just before or just after the export.
        $script:checksBefore = @(Invoke-PgHealthCheck -Connection $cs)
        $script:file = Export-PgPerfReport -Connection $cs -Path (Join-Path $TestDrive 'report.html') -Hours 12 -WarningVariable reportWarnings
        $script:checksAfter = @(Invoke-PgHealthCheck -Connection $cs)
        $script:reportWarnings = $reportWarnings
        $script:html = Get-Content -LiteralPath $file.FullName -Raw
        $script:data = Get-ReportData $file.FullName
    }

    It 'writes one file and returns it' {
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.Length | Should -BeGreaterThan 0
        $reportWarnings | Should -BeNullOrEmpty
        @(Get-ChildItem $TestDrive -Force -Filter '*.tmp') | Should -HaveCount 0
    }

    It 'needs no network: no external script, style, image or font' {
        $html | Should -Not -Match '<script[^>]+src='
        $html | Should -Not -Match '<link[^>]+href='
        $html | Should -Not -Match '(?i)(src|href)\s*=\s*"?(https?:)?//'
        $html | Should -Not -Match '(?i)url\(\s*["'']?(https?:)?//'
    }

    It 'charts P50, P95 and average per hour exactly as Get-PgQueryStat gives them for each hour' {
        $chart = Get-Chart $data 'all-latency'
        $chart.x | Should -HaveCount 12
        $checked = 0
        for ($i = 0; $i -lt $chart.x.Count; $i++) {
            $from = [DateTimeOffset]::FromUnixTimeSeconds($chart.x[$i])
            $stat = Get-PgQueryStat -Connection $cs -Start $from -End $from.AddHours(1)
            if ($stat.TotalQueries -eq 0) {
                $chart.series[0].values[$i] | Should -BeNullOrEmpty
                continue
            }
            $chart.series[0].values[$i] | Should -Be $stat.P50DurationMs
            $chart.series[1].values[$i] | Should -Be $stat.P95DurationMs
            $chart.series[2].values[$i] | Should -Be $stat.AvgDurationMs
            (Get-Chart $data 'slow-per-hour').series[0].values[$i] | Should -Be $stat.SlowQueries
            $checked++
        }
        $checked | Should -BeGreaterOrEqual 6
    }

    It 'charts the top queries of the window, each hour as Get-PgQueryStat -GroupBy Query gives it' {
        $start = [DateTimeOffset]::FromUnixTimeSeconds((Get-Chart $data 'all-latency').x[0])
        $top = Get-PgQueryStat -Connection $cs -Start $start -End $start.AddHours(12) -GroupBy Query | Select-Object -First 5
        $html | Should -Match ([regex]::Escape("hash $($top[0].QueryHash)"))
        $chart = Get-Chart $data 'query-1'
        $checked = 0
        for ($i = 0; $i -lt $chart.x.Count; $i++) {
            $from = [DateTimeOffset]::FromUnixTimeSeconds($chart.x[$i])
            $stat = Get-PgQueryStat -Connection $cs -Start $from -End $from.AddHours(1) -GroupBy Query -QueryHash $top[0].QueryHash
            if (-not $stat) { $chart.series[1].values[$i] | Should -BeNullOrEmpty; continue }
            $chart.series[0].values[$i] | Should -Be $stat.P50DurationMs
            $chart.series[1].values[$i] | Should -Be $stat.P95DurationMs
            $chart.series[2].values[$i] | Should -Be $stat.AvgDurationMs
            $checked++
        }
        $checked | Should -BeGreaterOrEqual 6
        @($data.charts | Where-Object id -like 'query-*') | Should -HaveCount ([Math]::Min(5, @($top).Count))
    }

    It 'shows the summary cards as Get-PgPerformanceSummary gives them' {
        $summary = Get-PgPerformanceSummary -Connection $cs -Hours 12
        $html | Should -Match ('<div class="label">Queries</div><div class="value">{0}</div>' -f $summary.TotalQueries.ToString('N0', [cultureinfo]::InvariantCulture))
        $html | Should -Match ('<div class="label">Slow queries</div><div class="value">{0}</div>' -f $summary.SlowQueryCount.ToString('N0', [cultureinfo]::InvariantCulture))
    }

    It 'lists the slowest queries as Get-PgSlowQuery -Top gives them' {
        $slow = Get-PgSlowQuery -Connection $cs -Hours 12 -Top 20
        $section = [regex]::Match($html, '<section id="slow">(.*?)</section>', 'Singleline').Groups[1].Value
        ([regex]::Matches($section, '<tr><td')).Count | Should -Be @($slow).Count
        $section | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($slow[0].Endpoint)))
    }

    It 'lists the top statements as Get-PgTopStatement gives them, and charts each hour as Get-PgStatementTrend does' {
        $start = [DateTimeOffset]::FromUnixTimeSeconds((Get-Chart $data 'all-latency').x[0])
        $top = @(Get-PgTopStatement -Connection $cs -Since $start -Until $start.AddHours(12) -Top 20)
        $top.QueryId | Should -Contain $statementId
        $section = [regex]::Match($html, '<section id="statements">(.*?)<h2>Statement regressions', 'Singleline').Groups[1].Value
        [regex]::Matches($section, '<tr><td>(-?\d+)</td>') | ForEach-Object { [long]$_.Groups[1].Value } | Should -Be $top.QueryId
        $chart = Get-Chart $data 'statement-1'
        $trend = @(Get-PgStatementTrend -Connection $cs -QueryId $top[0].QueryId -Database $top[0].Database -User $top[0].User -Since $start -Until $start.AddHours(12))
        $trend | Should -Not -BeNullOrEmpty
        for ($i = 0; $i -lt $chart.x.Count; $i++) {
            $row = $trend | Where-Object { $_.Hour.ToUnixTimeSeconds() -eq $chart.x[$i] }
            if ($row) { $chart.series[0].values[$i] | Should -Be $row.MeanTimeMs } else { $chart.series[0].values[$i] | Should -BeNullOrEmpty }
        }
    }

    It 'lists the statement regressions as Compare-PgStatement gives them' {
        $regressions = @(Compare-PgStatement -Connection $cs)
        $regressions.QueryId | Should -Contain $statementId
        $section = [regex]::Match($html, '<h2>Statement regressions</h2>(.*?)</section>', 'Singleline').Groups[1].Value
        [regex]::Matches($section, '<tr><td>(-?\d+)</td>') | ForEach-Object { [long]$_.Groups[1].Value } | Should -Be $regressions.QueryId
        $section | Should -Match ([regex]::Escape(('{0:0} %' -f ($regressions | Where-Object QueryId -eq $statementId).IncreasePercent)))
    }

    It 'charts table bloat per snapshot as Get-PgTableBloatTrend gives it, and lists index bloat as Get-PgIndexBloat does' {
        $chart = Get-Chart $data 'bloat-history'
        $start = [DateTimeOffset]::FromUnixTimeSeconds((Get-Chart $data 'all-latency').x[0])
        $points = @(Get-PgTableBloatTrend -Connection $cs -Table report_bloat -Days 1 | Where-Object CapturedAt -ge $start)
        $points.Count | Should -Be 2
        $series = $chart.series | Where-Object label -eq 'public.report_bloat'
        $values = for ($i = 0; $i -lt $chart.x.Count; $i++) { if ($null -ne $series.values[$i]) { '{0}={1}' -f $chart.x[$i], $series.values[$i] } }
        $values | Should -Be ($points | ForEach-Object { '{0}={1}' -f $_.CapturedAt.ToUnixTimeSeconds(), $_.BloatPercent })

        $indexes = @(Get-PgIndexBloat -Connection $cs -MinBloatPercent 10 | Select-Object -First 20)
        $indexes.Index | Should -Contain 'report_bloat_payload'
        $section = [regex]::Match($html, '<h2>Index bloat</h2>(.*?)</section>', 'Singleline').Groups[1].Value
        [regex]::Matches($section, '<tr><td>([^<]*)</td>') | ForEach-Object { $_.Groups[1].Value } | Should -Be ($indexes | ForEach-Object { "$($_.Schema).$($_.Index)" })
    }

    It 'shows every health check with the status Invoke-PgHealthCheck gives' {
        $section = [regex]::Match($html, '<section id="health">(.*?)</section>', 'Singleline').Groups[1].Value
        $rows = @([regex]::Matches($section, '<tr><td>([^<]*)</td><td>([^<]*)</td>'))
        $rows.Count | Should -Be $checksBefore.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $rows[$i].Groups[1].Value | Should -Be $checksBefore[$i].Check
            $rows[$i].Groups[2].Value | Should -BeIn @("$($checksBefore[$i].Status)", "$($checksAfter[$i].Status)") -Because $checksBefore[$i].Check
        }
    }

    It 'keeps hostile text inert: encoded in tables, escaped in the data, never a tag' {
        $html | Should -Not -Match '<script><script>'
        $html | Should -Not -Match '<img src=x'
        $html | Should -Not -Match '<b>x</b>'
        ([regex]::Matches($html, '<script')).Count | Should -Be 3
        $html | Should -Match ([regex]::Escape('&lt;/script&gt;&lt;script&gt;'))
        $html | Should -Match 'ünïcødé'
        # The template's slots are filled once: text that looks like a slot stays text.
        $html | Should -Match ([regex]::Escape('{{data}}'))
    }

    It 'says "no data yet" on an empty database instead of drawing empty charts' {
        $path = Join-Path $TestDrive 'empty.html'
        Export-PgPerfReport -Connection $empty.ConnectionString -Path $path -Hours 24 | Out-Null
        $emptyHtml = Get-Content -LiteralPath $path -Raw
        (Get-ReportData $path).charts | Should -HaveCount 0
        $emptyHtml | Should -Match 'No query timings logged in this window yet'
        $emptyHtml | Should -Match 'No open alerts'
        $emptyHtml | Should -Match 'No query at or over 500 ms'
        $emptyHtml | Should -Match 'No statement snapshots in this window yet'
        $emptyHtml | Should -Match 'No statement got slower'
    }

    It 'says with -Verbose how long each section took to read' {
        $verbose = @(Export-PgPerfReport -Connection $cs -Path (Join-Path $TestDrive 'timed.html') -Hours 12 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        foreach ($section in 'Summary', 'Queries', 'Slow queries', 'Top statements', 'Bloat history', 'Health checks', 'Alerts') {
            $verbose | Where-Object { $_ -match "^Read $section in [\d,]+ ms\.$" } | Should -Not -BeNullOrEmpty -Because "section $section is timed"
        }
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.html'
        Export-PgPerfReport -Connection $cs -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'refuses to replace a file with -NoClobber, and a missing folder, with clear error ids' {
        $path = Join-Path $TestDrive 'kept.html'
        Set-Content -LiteralPath $path -Value 'mine'
        $err = { Export-PgPerfReport -Connection $cs -Path $path -NoClobber -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Report.FileExists,*'
        Get-Content -LiteralPath $path | Should -Be 'mine'
        $err = { Export-PgPerfReport -Connection $cs -Path (Join-Path $TestDrive 'no/such/folder/r.html') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Report.InvalidPath,*'
        $err.Exception.Message | Should -Match 'does not exist'
    }
}

Describe 'Export-PgPerfReport in a real browser' -Tag 'Integration', 'Report', 'Browser' {
    BeforeAll {
        $script:chromium = Get-TestChromium
        $script:pdfToText = Get-Command pdftotext -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($script:chromium) {
            $script:path = Join-Path $TestDrive 'browser.html'
            Export-PgPerfReport -Connection $cs -Path $path -Hours 12 | Out-Null
            $script:data = Get-ReportData $path
            $script:dom = Get-RenderedDom $path
        }
    }

    It 'loads with no script error and draws every chart with all its points' {
        if (-not $script:chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs Debian''s chromium package)'; return }
        Get-RootAttribute $dom 'data-report-status' | Should -Be 'ready'
        Get-RootAttribute $dom 'data-errors' | Should -Be '0'
        Get-RootAttribute $dom 'data-charts' | Should -Be "$(@($data.charts).Count)"
        @($data.charts).Count | Should -BeGreaterOrEqual 3
        foreach ($chart in $data.charts) {
            $expected = @($chart.series | ForEach-Object { $_.values } | Where-Object { $null -ne $_ }).Count
            $figure = [regex]::Match($dom, "<figure[^>]*id=`"$($chart.id)`"[^>]*>")
            $figure.Success | Should -BeTrue -Because "chart $($chart.id) is in the page"
            $figure.Value | Should -Match 'data-drawn="1"' -Because "uPlot drew chart $($chart.id)"
            $figure.Value | Should -Match "data-points=`"$expected`"" -Because "chart $($chart.id) has all its points"
        }
        # uPlot puts a canvas in every chart it draws.
        ([regex]::Matches($dom, '<canvas')).Count | Should -BeGreaterOrEqual @($data.charts).Count
    }

    It 'runs none of the hostile text' {
        if (-not $script:chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs Debian''s chromium package)'; return }
        Get-RootAttribute $dom 'data-pwned' | Should -BeNullOrEmpty
        $dom | Should -Match ([regex]::Escape('&lt;/script&gt;&lt;script&gt;'))
    }

    It 'shows the empty states on an empty database with no error' {
        if (-not $script:chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs Debian''s chromium package)'; return }
        $emptyPath = Join-Path $TestDrive 'browser-empty.html'
        Export-PgPerfReport -Connection $empty.ConnectionString -Path $emptyPath -Hours 24 | Out-Null
        $emptyDom = Get-RenderedDom $emptyPath
        Get-RootAttribute $emptyDom 'data-report-status' | Should -Be 'ready'
        Get-RootAttribute $emptyDom 'data-errors' | Should -Be '0'
        Get-RootAttribute $emptyDom 'data-charts' | Should -Be '0'
        ([regex]::Matches($emptyDom, 'class="empty"')).Count | Should -BeGreaterOrEqual 5
    }

    It 'prints to PDF with the report''s text on its pages' {
        if (-not $script:chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (.ci/run installs Debian''s chromium package)'; return }
        if (-not $script:pdfToText) { Set-ItResult -Skipped -Because 'pdftotext is not installed (.ci/run installs Debian''s poppler-utils package)'; return }
        $pdf = Join-Path $TestDrive 'report.pdf'
        Invoke-Chromium @('--no-pdf-header-footer', "--print-to-pdf=$pdf", [uri]::new($path).AbsoluteUri) | Out-Null
        Test-Path $pdf | Should -BeTrue
        $text = (& $script:pdfToText.Source -layout $pdf -) -join "`n"
        $text | Should -Match 'PgPerf report'
        $text | Should -Match 'Query latency per hour'
        $text | Should -Match 'Slowest queries'
        $text | Should -Match 'report_stock'
        ([regex]::Matches($text, "`f")).Count | Should -BeGreaterOrEqual 1
    }
}

Describe 'Export-PgPerfMetric' -Tag 'Integration', 'Report' {
    BeforeAll {
        $script:promFile = Export-PgPerfMetric -Connection $cs -Path (Join-Path $TestDrive 'pgperf.prom') -Hours 6
        $script:prom = Read-TestPrometheusFile $promFile.FullName
        $script:promText = $prom.Text
        $script:samples = $prom.Samples
        function Get-Sample([string] $Name, [hashtable] $Where = @{}) { Get-TestPrometheusSample $prom $Name $Where }
    }

    It 'passes promtool''s check of the exposition format and its naming rules' {
        $promtool = Get-Command promtool -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $promtool) { Set-ItResult -Skipped -Because 'promtool is not installed (.ci/run installs Debian''s prometheus package)'; return }
        $out = $promText | & $promtool.Source check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
    }

    It 'gives the figures Get-PgPerformanceSummary and Get-PgQueryStat give for the same window' {
        $summary = Get-PgPerformanceSummary -Connection $cs -Hours 6
        (Get-Sample 'pgperf_query_executions').Value | Should -Be $summary.TotalQueries
        (Get-Sample 'pgperf_query_slow_executions').Value | Should -Be $summary.SlowQueryCount
        (Get-Sample 'pgperf_query_duration_seconds' @{ percentile = '95' }).Value | Should -Be ($summary.P95DurationMs / 1000)
        $top = Get-PgQueryStat -Connection $cs -Hours 6 -GroupBy Query | Select-Object -First 1
        (Get-Sample 'pgperf_top_query_executions' @{ query_hash = $top.QueryHash }).Value | Should -Be $top.TotalQueries
        @(Get-Sample 'pgperf_top_query_executions').Count | Should -Be @(Get-PgQueryStat -Connection $cs -Hours 6 -GroupBy Query | Select-Object -First 10).Count
    }

    It 'labels every series with the server and counts open alerts by type and severity' {
        $server = (Get-PgPerformanceSummary -Connection $cs).Server
        @($samples | Where-Object { $_.Labels['server'] -ne $server }) | Should -HaveCount 0
        $open = @(Get-PgPerfAlert -Connection $cs -Open)
        ((Get-Sample 'pgperf_open_alerts') | Measure-Object Value -Sum).Sum | Should -Be $open.Count
    }
}
