BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null

    # An application with a bloated table, an index nobody has used for 35 days, and a mixed hour of queries.
    Invoke-TestSql -Database $db.Name @'
CREATE TABLE summary_orders (id int PRIMARY KEY, status text, note text) WITH (autovacuum_enabled = off);
INSERT INTO summary_orders SELECT g, 'new', repeat('x', 80) FROM generate_series(1, 20000) g;
CREATE INDEX summary_orders_note_idx ON summary_orders (note);
UPDATE summary_orders SET status = 'paid' WHERE id % 2 = 0;
DELETE FROM summary_orders WHERE id % 3 = 0;
'@ | Out-Null
    # psql -c runs one transaction; VACUUM must run on its own.
    Invoke-TestSql -Database $db.Name 'VACUUM summary_orders' | Out-Null
    Invoke-TestSql -Database $db.Name 'ANALYZE summary_orders' | Out-Null
    Invoke-PgIndexSnapshot -Connection $cs | Out-Null
    Invoke-TestSql -Database $db.Name @'
INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch,
                                          index_size_bytes, stats_reset, server_started_at)
SELECT now() - make_interval(days => d), 'public', 'summary_orders', 'summary_orders_note_idx', 0, 0, 0,
       pg_relation_size('summary_orders_note_idx'), (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()),
       pg_postmaster_start_time()
  FROM generate_series(1, 35) d
'@ | Out-Null
    $now = Get-Date
    @(
        1..40 | ForEach-Object { [pscustomobject]@{ query_text = 'orders.list'; duration_ms = 20 + $_; endpoint = '/api/orders'; logged_at = $now.AddMinutes(-$_) } }
        [pscustomobject]@{ query_text = 'SELECT * FROM conversations WHERE status = ?'; duration_ms = 750; endpoint = '/api/conversations'; user_id = 'test-user-id'; logged_at = $now.AddMinutes(-5) }
    ) | Send-PgQueryLog -Connection $cs

    # The spec's example response (monitoring-services.md, "Response (summary)").
    $script:SpecExample = @'
{
  "query_performance": { "total_queries": 1542, "slow_queries": 23, "avg_duration_ms": 45.2, "p95_duration_ms": 235.8 },
  "table_bloat": [ { "tablename": "conversations", "bloat_ratio": 15.3, "bloat_bytes": 524288, "dead_tuples": 1250 } ],
  "unused_indexes": [ { "indexname": "idx_old_field", "tablename": "conversations", "index_size": "2048 kB", "days_since_last_scan": 45 } ],
  "generated_at": "2025-10-30T10:30:00Z"
}
'@

    # Key names and JSON value kinds, recursively (array elements by their first element).
    function Get-JsonShape([System.Text.Json.JsonElement] $e) {
        switch ($e.ValueKind) {
            'Object' { $o = [ordered]@{}; foreach ($p in $e.EnumerateObject() | Sort-Object Name) { $o[$p.Name] = Get-JsonShape $p.Value }; return ($o.GetEnumerator() | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ';' | ForEach-Object { "{$_}" } }
            'Array' { $first = @($e.EnumerateArray()) | Select-Object -First 1; return "[$(if ($null -ne $first) { Get-JsonShape $first } else { 'empty' })]" }
            default { return "$($e.ValueKind)" }
        }
    }
    function ConvertTo-Shape([string] $json) { Get-JsonShape ([System.Text.Json.JsonDocument]::Parse($json).RootElement) }
}
AfterAll { Remove-TestDatabase $script:db }

Describe 'Get-PgPerformanceSummary' -Tag 'Integration' {
    It 'emits exactly the key set and value types of the spec example with -AsJson' {
        $json = Get-PgPerformanceSummary -Connection $cs -AsJson
        $json | Should -BeOfType ([string])
        ConvertTo-Shape $json | Should -Be (ConvertTo-Shape $script:SpecExample)
        # Read the raw text: ConvertFrom-Json would turn the timestamp into a DateTime.
        $json | Should -Match '"generated_at": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        (Get-PgPerformanceSummary -Connection $cs -AsJson) -cmatch '"[a-z]+[A-Z]' | Should -BeFalse -Because 'every key is snake_case'
    }

    It 'agrees with Get-PgQueryStat, Get-PgTableBloat and Get-PgUnusedIndex' {
        $s = Get-PgPerformanceSummary -Connection $cs -AsJson | ConvertFrom-Json
        $stat = Get-PgQueryStat -Connection $cs -Hours 24
        $s.query_performance.total_queries | Should -Be 41
        $s.query_performance.total_queries | Should -Be $stat.TotalQueries
        $s.query_performance.slow_queries | Should -Be 1
        $s.query_performance.p95_duration_ms | Should -Be ([math]::Round($stat.P95DurationMs, 1, 'AwayFromZero'))
        $s.query_performance.avg_duration_ms | Should -Be ([math]::Round($stat.AvgDurationMs, 1, 'AwayFromZero'))

        $table = Get-PgTableBloat -Connection $cs -Table summary_orders
        $table.BloatPercent | Should -BeGreaterThan 10 -Because 'the table was made bloated by updates and deletes'
        $row = $s.table_bloat | Where-Object tablename -eq 'summary_orders'
        $row.bloat_ratio | Should -Be ([math]::Round($table.BloatPercent, 1, 'AwayFromZero'))
        $row.bloat_bytes | Should -Be $table.BloatBytes

        $index = Get-PgUnusedIndex -Connection $cs -Table summary_orders | Where-Object Index -eq 'summary_orders_note_idx'
        $index.Status | Should -BeIn 'Unused', 'ConsiderDropping'
        $unused = $s.unused_indexes | Where-Object indexname -eq 'summary_orders_note_idx'
        $unused.tablename | Should -Be 'summary_orders'
        $unused.days_since_last_scan | Should -Be ([math]::Floor($index.DaysSinceLastScan))
        $unused.index_size | Should -Be (Invoke-TestSql -Database $db.Name "SELECT pg_size_pretty($($index.SizeBytes)::bigint)")
    }

    It 'returns a typed object by default' {
        $s = Get-PgPerformanceSummary -Connection $cs
        $s | Should -BeOfType ([PgPerf.PgPerformanceSummary])
        $s.TotalQueries | Should -Be 41
        $s.TableBloat.Table | Should -Contain 'summary_orders'
        $s.UnusedIndexes.Index | Should -Contain 'summary_orders_note_idx'
        ($s | Format-List | Out-String) | Should -Match 'summary_orders_note_idx'
    }

    It 'fills the slowest queries its default view shows' {
        $s = Get-PgPerformanceSummary -Connection $cs
        $s.SlowQueries.QueryText | Should -Be @('SELECT * FROM conversations WHERE status = ?')
        $s.SlowQueries[0].DurationMs | Should -Be 750
        ($s | Format-List | Out-String -Width 200) | Should -Match ([regex]::Escape('SELECT * FROM conversations WHERE status = ? 750 ms'))
        # The spec's summary JSON has no slow_queries: that stays as it was.
        (Get-PgPerformanceSummary -Connection $cs -AsJson | ConvertFrom-Json).PSObject.Properties.Name | Should -Not -Contain 'slow_queries'
    }

    It 'leaves PgPerf''s own tables out of the bloated tables unless -IncludePgPerf' {
        # 9 of 10 rows of a pgperf table deleted: well over the 10 % threshold and the 0.1 MB floor.
        Invoke-TestSql -Database $db.Name @'
INSERT INTO pgperf.query_log_texts SELECT 'selftest' || g, repeat('x', 200) FROM generate_series(1, 20000) g;
DELETE FROM pgperf.query_log_texts WHERE query_hash LIKE 'selftest%' AND right(query_hash, 1) <> '0';
ANALYZE pgperf.query_log_texts;
'@ | Out-Null
        (Get-PgPerformanceSummary -Connection $cs -Metric Bloat).TableBloat.Schema | Should -Not -Contain 'pgperf'
        (Get-PgPerformanceSummary -Connection $cs -Metric Bloat -IncludePgPerf).TableBloat.Table | Should -Contain 'query_log_texts'
    }

    It 'reports the slowest executions with -Metric SlowQueries' {
        $s = Get-PgPerformanceSummary -Connection $cs -Metric SlowQueries -Hours 1 -AsJson | ConvertFrom-Json
        $s.PSObject.Properties.Name | Should -Be @('query_performance', 'slow_queries', 'hours', 'generated_at')
        $s.hours | Should -Be 1
        $s.slow_queries.Count | Should -Be 1
        $s.slow_queries[0].duration_ms | Should -Be 750
        $s.slow_queries[0].endpoint | Should -Be '/api/conversations'
    }

    It 'lists only tables over -Threshold with -Metric Bloat' {
        $low = Get-PgPerformanceSummary -Connection $cs -Metric Bloat -Threshold 0 -AsJson | ConvertFrom-Json
        $low.PSObject.Properties.Name | Should -Be @('table_bloat', 'threshold', 'generated_at')
        $low.table_bloat.tablename | Should -Contain 'summary_orders'
        $high = Get-PgPerformanceSummary -Connection $cs -Metric Bloat -Threshold 100 -AsJson | ConvertFrom-Json
        $high.threshold | Should -Be 100
        @($high.table_bloat).Count | Should -Be 0
    }

    It 'reports zeros, not nulls, for an empty window' {
        $empty = New-TestDatabase
        try {
            Install-PgPerfSchema -Connection $empty.ConnectionString | Out-Null
            $s = Get-PgPerformanceSummary -Connection $empty.ConnectionString -AsJson | ConvertFrom-Json
            $s.query_performance.total_queries | Should -Be 0
            $s.query_performance.avg_duration_ms | Should -Be 0
            $s.query_performance.p95_duration_ms | Should -BeOfType ([long]) -Because 'a JSON number, never null'
        } finally {
            Remove-TestDatabase $empty
        }
    }

    It 'rejects an unknown -Metric and -Threshold 500 naming the parameter' {
        { Get-PgPerformanceSummary -Connection $cs -Metric Dashboard } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
        $err = { Get-PgPerformanceSummary -Connection $cs -Threshold 500 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match 'Threshold'
    }
}
