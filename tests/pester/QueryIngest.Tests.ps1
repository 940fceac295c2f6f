# Send-PgQueryLog writes each full batch on a worker thread while the pipeline fills the next one: output, errors
# and the database must look exactly as they did when every batch was written on the pipeline thread.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Send-PgQueryLog with batches written in the background' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
        $script:spool = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-spool-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    }
    AfterAll {
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'passes every good record through once, in input order, and reports the bad ones by position' {
        $records = foreach ($i in 1..5000) {
            if ($i % 1000 -eq 500) { [pscustomobject]@{ query_text = 'order.bad'; duration_ms = -1 } }
            else { [pscustomobject]@{ query_text = "SELECT * FROM t WHERE id = $i"; duration_ms = $i; endpoint = "/e$($i % 3)" } }
        }
        $out = $records | Send-PgQueryLog -Connection $cs -BatchSize 100 -AlertThresholdMs 0 -SpoolPath $spool -PassThru -ErrorVariable e -ErrorAction SilentlyContinue

        $expected = 1..5000 | Where-Object { $_ % 1000 -ne 500 }
        $out.Count | Should -Be 4995
        ($out.DurationMs -join ',') | Should -Be ($expected -join ',')
        @($out.Delivery | Sort-Object -Unique) | Should -Be @('Written')
        @($out.RecordId | Sort-Object -Unique).Count | Should -Be 4995
        $out[0].Server | Should -Be $out[0].Connection.Server
        $out[0].Server | Should -Match "/$($db.Name)$"

        $e.Count | Should -Be 5
        @($e | ForEach-Object { $_.Exception.Message -replace ':.*' }) | Should -Be @('Record 500', 'Record 1500', 'Record 2500', 'Record 3500', 'Record 4500')
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidDuration,*'

        Invoke-TestSql -Database $db.Name "SELECT count(*), count(DISTINCT record_id), min(duration_ms), max(duration_ms) FROM pgperf.query_performance_logs" |
            Should -Be '4995|4995|1|5000'
        # One transaction per batch of 100, committed in input order: each batch holds the next 100 records.
        Invoke-TestSql -Database $db.Name @'
SELECT count(*), bool_and(prev_hi IS NULL OR lo > prev_hi), max(n)
FROM (SELECT lo, hi, n, lag(hi) OVER (ORDER BY x) AS prev_hi
      FROM (SELECT xmin::text::bigint AS x, min(duration_ms) AS lo, max(duration_ms) AS hi, count(*) AS n
            FROM pgperf.query_performance_logs GROUP BY 1) b) c
'@ | Should -Be '50|t|100'
        @(Get-ChildItem $spool -Filter '*.jsonl' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'spools every batch and warns once at the end when the database cannot be reached' {
        # A port nothing listens on: each batch fails to connect and goes to the spool, still in order.
        $down = "Host=127.0.0.1;Port=1;Username=nobody;Password=x;Database=none;Timeout=2"
        $out = 1..250 | ForEach-Object { [pscustomobject]@{ query_text = 'down.q'; duration_ms = $_ } } |
            Send-PgQueryLog -Connection $down -BatchSize 100 -SpoolPath $spool -PassThru -WarningVariable w -WarningAction SilentlyContinue
        ($out.DurationMs -join ',') | Should -Be ((1..250) -join ',')
        @($out.Delivery | Sort-Object -Unique) | Should -Be @('Spooled')
        $w[-1] | Should -Match '^250 query log record\(s\) are in the spool'
        @($w | Where-Object { $_ -match 'could not be written' }).Count | Should -Be 1
        $file = @(Get-ChildItem $spool -Filter '*.jsonl')
        $file.Count | Should -Be 1
        @(Get-Content $file[0].FullName | ConvertFrom-Json | ForEach-Object duration_ms) -join ',' | Should -Be ((1..250) -join ',')
    }
}
