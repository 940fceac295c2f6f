# Index snapshot speed: a database with 2,000 tables and 6,000 indexes (issue 4). Measures the spec function
# pgperf.capture_index_usage_snapshot() (one set-based INSERT ... SELECT) through Invoke-PgIndexSnapshot,
# and the reports that read the history. Results go into docs/benchmarks.md ("Index health").
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Tables = 2000,
    [int] $IndexesPerTable = 3,
    [int] $Runs = 7,
    # Hourly snapshots of history to fake before measuring the reports (0 = none).
    [int] $HistoryHours = 24 * 7
)
$ErrorActionPreference = 'Stop'
$parts = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $parts[$k] = $v } }
$env:PGPASSWORD = $parts.Password
function Invoke-BenchSql([string] $Database, [string] $Sql) {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $parts.Host -p $parts.Port -U $parts.Username -d $Database -c $Sql 2>&1
    if ($LASTEXITCODE) { throw "psql failed: $out" }
    $out
}

$db = 'pgperf_bench_index'
Invoke-BenchSql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" | Out-Null
Invoke-BenchSql postgres "CREATE DATABASE $db" | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$db"
try {
    Install-PgPerfSchema -Connection $cs | Out-Null
    $setup = [System.Diagnostics.Stopwatch]::StartNew()
    # Tables with a primary key and (IndexesPerTable - 1) more indexes each, a few rows so indexes have pages.
    Invoke-BenchSql $db @"
DO `$`$
BEGIN
  FOR t IN 1..$Tables LOOP
    EXECUTE format('CREATE TABLE bench_%s (id int PRIMARY KEY, a int, b text)', t);
    FOR i IN 1..$($IndexesPerTable - 1) LOOP
      EXECUTE format('CREATE INDEX bench_%s_i%s ON bench_%s (%s)', t, i, t, CASE WHEN i % 2 = 1 THEN 'a' ELSE 'b' END);
    END LOOP;
    EXECUTE format('INSERT INTO bench_%s SELECT g, g, ''x'' || g FROM generate_series(1, 10) g', t);
  END LOOP;
END
`$`$;
"@ | Out-Null
    Invoke-BenchSql $db 'ANALYZE' | Out-Null
    $indexCount = [int](Invoke-BenchSql $db "SELECT count(*) FROM pg_stat_user_indexes WHERE schemaname <> 'pgperf'")
    Write-Host ("Set up {0} tables, {1} indexes in {2:n1} s" -f $Tables, $indexCount, $setup.Elapsed.TotalSeconds)

    Invoke-PgIndexSnapshot -Connection $cs | Out-Null   # warm-up
    $times = foreach ($i in 1..$Runs) { (Invoke-PgIndexSnapshot -Connection $cs).DurationMs }
    $rows = [int](Invoke-BenchSql $db "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE captured_at = (SELECT max(captured_at) FROM pgperf.index_usage_snapshots)")
    $sorted = $times | Sort-Object
    $snapshot = [pscustomobject]@{ What = "Invoke-PgIndexSnapshot ($rows rows)"; MedianMs = [math]::Round($sorted[[int][math]::Floor($Runs / 2)], 1); MinMs = [math]::Round($sorted[0], 1); MaxMs = [math]::Round($sorted[-1], 1) }

    # A week of hourly history, then the reports over it.
    if ($HistoryHours -gt 0) {
        Invoke-BenchSql $db @"
INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes, stats_reset, server_started_at)
SELECT now() - make_interval(hours => h), schemaname, tablename, indexname, 0, 0, 0, index_size_bytes, stats_reset, server_started_at
  FROM pgperf.index_usage_current(), generate_series(1, $HistoryHours) h;
ANALYZE pgperf.index_usage_snapshots;
"@ | Out-Null
    }
    $historyRows = [int](Invoke-BenchSql $db 'SELECT count(*) FROM pgperf.index_usage_snapshots')
    $reports = foreach ($case in @(
            @{ What = "Get-PgUnusedIndex ($historyRows history rows)"; Run = { Get-PgUnusedIndex -Connection $cs | Out-Null } }
            @{ What = "pgperf.detect_unused_indexes(30) ($historyRows history rows)"; Run = { Invoke-BenchSql $db 'SELECT count(*) FROM pgperf.detect_unused_indexes(30)' | Out-Null } }
            @{ What = 'Get-PgIndexTrend -Table bench_1 -Days 7'; Run = { Get-PgIndexTrend -Connection $cs -Table bench_1 -Days 7 | Out-Null } }
            @{ What = "Get-PgDuplicateIndex ($indexCount indexes)"; Run = { Get-PgDuplicateIndex -Connection $cs | Out-Null } }
        )) {
        & $case.Run   # warm-up
        $t = @(foreach ($i in 1..3) { (Measure-Command $case.Run).TotalMilliseconds }) | Sort-Object
        [pscustomobject]@{ What = $case.What; MedianMs = [math]::Round($t[1], 1); MinMs = [math]::Round($t[0], 1); MaxMs = [math]::Round($t[2], 1) }
    }
    @($snapshot) + @($reports) | Format-Table -AutoSize | Out-Host
} finally {
    Invoke-BenchSql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" | Out-Null
}
