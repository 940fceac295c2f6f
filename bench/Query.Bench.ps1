# Query performance benchmarks (issue 3): ingest through Send-PgQueryLog against per-row references, and the
# report cmdlets over a generated log. Run by bench/Invoke-Benchmarks.ps1 (./build.ps1 Bench).
# Sizes: -Rows (report data set, default 1,000,000; or $env:PGPERF_BENCH_ROWS), -IngestRows (default 100,000).
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Rows = $(if ($env:PGPERF_BENCH_ROWS) { [int]$env:PGPERF_BENCH_ROWS } else { 1000000 }),
    [int] $IngestRows = 100000,
    [int] $Repeat = 5
)
$ErrorActionPreference = 'Stop'
$b = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $b[$k.Trim()] = $v } }
$dbName = 'pgperf_bench_query'
$env:PGPASSWORD = $b['Password']
function Invoke-Psql([string] $Sql, [string] $Database = $dbName) {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $b['Host'] -p $b['Port'] -U $b['Username'] -d $Database -c $Sql
    if ($LASTEXITCODE) { throw "psql failed: $Sql" }
    $out
}
function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][math]::Floor(($s.Count - 1) / 2)] }
function Measure-Median([int] $Times, [scriptblock] $Body) {
    & $Body | Out-Null   # warm-up
    Get-Median @(1..$Times | ForEach-Object { (Measure-Command { & $Body | Out-Null }).TotalMilliseconds })
}

Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
Invoke-Psql "CREATE DATABASE $dbName" 'postgres' | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$dbName"
Install-PgPerfSchema -Connection $cs | Out-Null
$results = [System.Collections.Generic.List[object]]::new()
function Add-Result([string] $Work, [string] $Figure, [string] $Note = '') { $results.Add([pscustomobject]@{ Work = $Work; Figure = $Figure; Note = $Note }) }

# --- Ingest -------------------------------------------------------------------------------------------
$records = foreach ($i in 1..$IngestRows) { [pscustomobject]@{ query_text = "SELECT * FROM conversations WHERE id = $i"; duration_ms = $i % 700; endpoint = '/api/c' } }
$floor = Get-Median @(1..3 | ForEach-Object {
    (Measure-Command { $records | ForEach-Object -Begin {} -Process { $null = $_.query_text } }).TotalMilliseconds })
$sendMs = Get-Median @(1..3 | ForEach-Object {
    Invoke-Psql 'TRUNCATE pgperf.query_performance_logs' | Out-Null
    (Measure-Command { $records | Send-PgQueryLog -Connection $cs -AlertThresholdMs 0 }).TotalMilliseconds })
Add-Result "Send-PgQueryLog, pipeline of $($IngestRows.ToString('N0')) objects, COPY per 1,000" ('{0:N0} rows/s' -f ($IngestRows / $sendMs * 1000)) ('a bare ForEach-Object over the same objects: {0:N0} rows/s' -f ($IngestRows / $floor * 1000))

$small = $records | Select-Object -First 2000
Invoke-Psql 'TRUNCATE pgperf.query_performance_logs' | Out-Null
$perBatch1 = (Measure-Command { $small | Send-PgQueryLog -Connection $cs -BatchSize 1 -AlertThresholdMs 0 }).TotalMilliseconds
Add-Result 'Send-PgQueryLog -BatchSize 1 (one round trip per row), 2,000 rows' ('{0:N0} rows/s' -f (2000 / $perBatch1 * 1000))

# Reference: per-row INSERT in autocommit, one statement per row (psql).
$sqlFile = Join-Path ([System.IO.Path]::GetTempPath()) 'pgperf-bench-inserts.sql'
$lines = foreach ($i in 1..5000) { "INSERT INTO pgperf.query_performance_logs (query_text, query_hash, duration_ms, endpoint) VALUES ('SELECT * FROM conversations WHERE id = $i', 'x', $($i % 700), '/api/c');" }
Set-Content $sqlFile $lines
$insertMs = (Measure-Command { & psql -X -q -h $b['Host'] -p $b['Port'] -U $b['Username'] -d $dbName -f $sqlFile | Out-Null }).TotalMilliseconds
Remove-Item $sqlFile
Add-Result 'Reference: per-row INSERT, autocommit (psql, 5,000 rows)' ('{0:N0} rows/s' -f (5000 / $insertMs * 1000))

# --- Reports over a generated log -------------------------------------------------------------------------
Invoke-Psql 'TRUNCATE pgperf.query_performance_logs' | Out-Null
$gen = [System.Diagnostics.Stopwatch]::StartNew()
# Log-normal latencies (median 20 ms, about 1 % over 500 ms), 200 query names, 30 days.
Invoke-Psql @"
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, endpoint, user_id)
SELECT now() - random() * interval '30 days', 'query.' || (g % 200), md5('query.' || (g % 200))::text,
       round(exp(3 + 1.4 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 3)::float8,
       '/api/e' || (g % 20), 'u' || (g % 1000)
  FROM generate_series(1, $Rows) g
"@ | Out-Null
Invoke-Psql 'VACUUM ANALYZE pgperf.query_performance_logs' | Out-Null
$gen.Stop()
$slowShare = [double](Invoke-Psql 'SELECT round(100.0 * count(*) FILTER (WHERE duration_ms >= 500) / count(*), 2) FROM pgperf.query_performance_logs')
Add-Result "Generate $($Rows.ToString('N0')) log rows over 30 days (SQL)" ('{0:N1} s' -f $gen.Elapsed.TotalSeconds) "$slowShare % at or over 500 ms"

$slowMs = Measure-Median $Repeat { Get-PgSlowQuery -Connection $cs -Hours 24 }
$count = @(Get-PgSlowQuery -Connection $cs -Hours 24).Count
Add-Result 'Get-PgSlowQuery -Hours 24 (partial index on slow rows)' ('{0:N1} ms' -f $slowMs) "$count rows returned"
$btree = Invoke-Psql "SET enable_bitmapscan = off; SET enable_indexscan = off; EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM pgperf.get_slow_queries(24, 500)" | ConvertFrom-Json
$withIndex = Invoke-Psql "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM pgperf.get_slow_queries(24, 500)" | ConvertFrom-Json
Add-Result 'get_slow_queries(24, 500) in SQL: partial index vs no index (server time)' ('{0:N1} ms vs {1:N1} ms' -f $withIndex[0].'Execution Time', $btree[0].'Execution Time')
$statMs = Measure-Median $Repeat { Get-PgQueryStat -Connection $cs -Hours 24 }
Add-Result 'Get-PgQueryStat -Hours 24 (exact percentiles)' ('{0:N1} ms' -f $statMs) ('{0:N0} rows in the window' -f (Get-PgQueryStat -Connection $cs -Hours 24).TotalQueries)
$groupMs = Measure-Median $Repeat { Get-PgQueryStat -Connection $cs -Hours 24 -GroupBy Query }
Add-Result 'Get-PgQueryStat -Hours 24 -GroupBy Query' ('{0:N1} ms' -f $groupMs) '200 groups'
$weekMs = Measure-Median 3 { Get-PgQueryStat -Connection $cs -Hours 168 -GroupBy Query }
Add-Result 'Get-PgQueryStat -Hours 168 -GroupBy Query' ('{0:N1} ms' -f $weekMs) 'raw rows; rollups are issue 9'

# --- Measure-PgQuery overhead ------------------------------------------------------------------------------
$block = { 1..10 }
$bare = Get-Median @(1..200 | ForEach-Object { (Measure-Command { & $block | Out-Null }).TotalMilliseconds })
$measured = Get-Median @(1..200 | ForEach-Object { (Measure-Command { Measure-PgQuery -Connection $cs -Name 'bench.measure' -ScriptBlock $block | Out-Null }).TotalMilliseconds })
Add-Result 'Measure-PgQuery on a trivial block (one COPY per call)' ('{0:N2} ms per call' -f $measured) ('bare invocation {0:N3} ms' -f $bare)

$results | Format-Table -AutoSize | Out-String -Width 220 | Out-Host
Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
