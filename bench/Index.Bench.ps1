# Index snapshot speed: a database with 2,000 tables and 6,000 indexes (issue 4). Measures the spec function
# pgperf.capture_index_usage_snapshot() (one set-based INSERT ... SELECT) through Invoke-PgIndexSnapshot,
# and the reports over hourly history of each length in -HistoryDays (longest first; shorter ones by deleting
# the oldest rows). Results go into docs/benchmarks.md ("Index health").
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Tables = 2000,
    [int] $IndexesPerTable = 3,
    [int] $Runs = 7,
    # Days of hourly history to measure the reports over (0 = none).
    [int[]] $HistoryDays = @(30, 7)
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

    # Hourly history with past captured_at, written in one INSERT ... SELECT. Every fourth index is scanned
    # once an hour, the others never. The stored steps are written directly (in closed form, through the same
    # pgperf.index_usage_step as capture): loading rows without them makes the insert trigger derive them,
    # which rewrites every row and takes minutes at this size. A sample is checked against the derivation.
    $days = @($HistoryDays | Where-Object { $_ -gt 0 } | Sort-Object -Descending)
    if ($days) {
        $hours = $days[0] * 24
        $load = [System.Diagnostics.Stopwatch]::StartNew()
        Invoke-BenchSql $db @"
INSERT INTO pgperf.index_usage_snapshots
    (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes,
     is_unique, is_primary, is_constraint, is_replica_identity, is_valid, stats_reset, server_started_at,
     continuous, observed_from, scans, observed_seconds, blind_seconds,
     cum_observed_seconds, cum_blind_seconds, cum_blind_gaps, cum_scans, last_scan_step_at)
SELECT g.at, g.schemaname, g.tablename, g.indexname, g.n, 3 * g.n, 2 * g.n, g.index_size_bytes,
       g.is_unique, g.is_primary, g.is_constraint, g.is_replica_identity, g.is_valid, g.stats_reset, g.server_started_at,
       x.continuous, x.observed_from, x.scans, x.observed_seconds, x.blind_seconds,
       f.observed_seconds + 3600 * ($hours - g.h), 0, 0, g.n, CASE WHEN g.busy = 1 AND g.h < $hours THEN g.at END
  FROM (SELECT c.*, s.h, now() - make_interval(hours => s.h) AS at, (c.indexrelid::bigint % 4 = 0)::integer AS busy,
               (c.indexrelid::bigint % 4 = 0)::integer * ($hours - s.h) AS n
          FROM pgperf.index_usage_current() c, generate_series(1, $hours) s(h)) g
 CROSS JOIN LATERAL pgperf.index_usage_step(g.at, g.n, 3 * g.n, 2 * g.n, g.stats_reset, g.server_started_at,
       CASE WHEN g.h < $hours THEN g.at - interval '1 hour' END, g.n - g.busy, 3 * (g.n - g.busy), 2 * (g.n - g.busy),
       g.stats_reset, g.server_started_at) x
 CROSS JOIN LATERAL pgperf.index_usage_step(now() - make_interval(hours => $hours), 0, 0, 0, g.stats_reset, g.server_started_at,
       NULL, NULL, NULL, NULL, NULL, NULL) f
"@ | Out-Null
        Invoke-BenchSql $db 'VACUUM ANALYZE pgperf.index_usage_snapshots' | Out-Null
        $changed = [long](Invoke-BenchSql $db @"
SELECT pgperf.derive_index_usage_steps(array_agg(schemaname), array_agg(indexname), array_agg('-infinity'::timestamptz))
  FROM (SELECT schemaname, indexname FROM pgperf.index_usage_current() ORDER BY indexrelid LIMIT 40) k
"@)
        if ($changed -ne 0) { throw "The generated history disagrees with pgperf.derive_index_usage_steps on $changed rows." }
        Write-Host ("Loaded {0:n0} hours of history in {1:n1} s" -f $hours, $load.Elapsed.TotalSeconds)
    }

    Invoke-PgIndexSnapshot -Connection $cs | Out-Null   # warm-up
    $times = foreach ($i in 1..$Runs) { (Invoke-PgIndexSnapshot -Connection $cs).DurationMs }
    $rows = [int](Invoke-BenchSql $db "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE captured_at = (SELECT max(captured_at) FROM pgperf.index_usage_snapshots)")
    $sorted = $times | Sort-Object
    $results = @([pscustomobject]@{ What = "Invoke-PgIndexSnapshot ($rows rows)"; MedianMs = [math]::Round($sorted[[int][math]::Floor($Runs / 2)], 1); MinMs = [math]::Round($sorted[0], 1); MaxMs = [math]::Round($sorted[-1], 1) })

    function Measure-Case([string] $What, [scriptblock] $Run) {
        & $Run   # warm-up
        $t = @(foreach ($i in 1..3) { (Measure-Command $Run).TotalMilliseconds }) | Sort-Object
        [pscustomobject]@{ What = $What; MedianMs = [math]::Round($t[1], 1); MinMs = [math]::Round($t[0], 1); MaxMs = [math]::Round($t[2], 1) }
    }
    foreach ($d in $days) {
        # Shorter histories: drop the oldest rows, as retention would (nothing is derived again).
        Invoke-BenchSql $db "DELETE FROM pgperf.index_usage_snapshots WHERE captured_at < now() - make_interval(days => $d, mins => 30)" | Out-Null
        Invoke-BenchSql $db 'VACUUM ANALYZE pgperf.index_usage_snapshots' | Out-Null
        $historyRows = [int](Invoke-BenchSql $db 'SELECT count(*) FROM pgperf.index_usage_snapshots')
        $verdicts = (Invoke-BenchSql $db 'SELECT string_agg(status || '' '' || n, '', '' ORDER BY status) FROM (SELECT status, count(*) n FROM pgperf.detect_unused_indexes(30) GROUP BY 1) s')
        Write-Host "$d days ($historyRows rows): detect_unused_indexes(30) gives $verdicts"
        $results += Measure-Case "Get-PgUnusedIndex ($d days, $historyRows history rows)" { Get-PgUnusedIndex -Connection $cs | Out-Null }
        $results += Measure-Case "pgperf.detect_unused_indexes(30) ($d days, $historyRows history rows)" { Invoke-BenchSql $db 'SELECT count(*) FROM pgperf.detect_unused_indexes(30)' | Out-Null }
    }
    $results += Measure-Case 'Get-PgIndexTrend -Table bench_1 -Days 7' { Get-PgIndexTrend -Connection $cs -Table bench_1 -Days 7 | Out-Null }
    $results += Measure-Case "Get-PgDuplicateIndex ($indexCount indexes)" { Get-PgDuplicateIndex -Connection $cs | Out-Null }
    $results | Format-Table -AutoSize | Out-String -Width 250 | Out-Host
} finally {
    Invoke-BenchSql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" | Out-Null
}
