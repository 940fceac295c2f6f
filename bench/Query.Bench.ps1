# Query performance at scale (issues 3 and 9): reports over a large generated log and retention, each against
# references measured in the same run (ingest is in QueryIngest.Bench.ps1). Run by bench/Invoke-Benchmarks.ps1:
#   dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'Query'; Rows = 10000000 }
# Sizes: -Rows (the report data set: 30 days, 200 query names, log-normal latencies with ~1 % over 500 ms;
# default 10,000,000, or $env:PGPERF_BENCH_ROWS), -Repeat (default 5).
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Rows = $(if ($env:PGPERF_BENCH_ROWS) { [int]$env:PGPERF_BENCH_ROWS } else { 10000000 }),
    [int] $Repeat = 5
)
$dbName = 'pgperf_bench_query'
. (Join-Path $PSScriptRoot 'QueryBench.Common.ps1')
# The output is collected, not piped on: a downstream cmdlet adds PowerShell's own per-object cost (measured apart).
function Measure-Median([int] $Times, [scriptblock] $Body) {
    $null = & $Body   # warm-up
    Get-Median @(1..$Times | ForEach-Object { (Measure-Command { $null = & $Body }).TotalMilliseconds })
}
# A report in a session: "early" is the median of the 10 calls after the first (which loads and connects); "warm"
# the median of 20 calls after up to 150 more (3 s at most), once .NET's tiered JIT has optimized the hot paths.
function Measure-Report([scriptblock] $Body) {
    $null = & $Body
    $early = Get-Median @(1..10 | ForEach-Object { (Measure-Command { $null = & $Body }).TotalMilliseconds })
    $until = [DateTime]::UtcNow.AddSeconds(3)
    for ($i = 0; $i -lt 150 -and [DateTime]::UtcNow -lt $until; $i++) { $null = & $Body }
    $warm = Get-Median @(1..20 | ForEach-Object { (Measure-Command { $null = & $Body }).TotalMilliseconds })
    [pscustomobject]@{ Early = $early; Warm = $warm; Text = '{0:N1} ms warm ({1:N1} ms early)' -f $warm, $early }
}

Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
Invoke-Psql "CREATE DATABASE $dbName" 'postgres' | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$dbName"
Install-PgPerfSchema -Connection $cs | Out-Null

# --- The data set, generated set-based in SQL, one day per statement ----------------------------------------
# Rows go in in time order, as a logger appends them (rows of one hour share pages).
Invoke-Psql 'TRUNCATE pgperf.query_performance_logs' | Out-Null
$gen = [System.Diagnostics.Stopwatch]::StartNew()
$perDay = [int][math]::Ceiling($Rows / 30)
for ($d = 0; $d -lt 30; $d++) {
    $n = [math]::Min($perDay, $Rows - $d * $perDay)
    if ($n -le 0) { break }
    Invoke-Psql @"
SELECT pgperf.ensure_query_log_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date - $d - 1, (now() AT TIME ZONE 'UTC')::date - $d]);
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, endpoint, user_id)
SELECT t, 'query.' || (g % 200), md5('query.' || (g % 200)),
       round(exp(3 + 1.4 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 3)::float8,
       '/api/e' || (g % 20), 'u' || (g % 1000)
  FROM (SELECT g, now() - interval '$d days' - random() * interval '1 day' AS t FROM generate_series(1, $n) g) s
 ORDER BY t
"@ | Out-Null
}
Invoke-Psql 'VACUUM ANALYZE pgperf.query_performance_logs, pgperf.query_log_slow' | Out-Null
$gen.Stop()
$total = [long](Invoke-Psql 'SELECT count(*) FROM pgperf.query_performance_logs')
$slowShare = [double](Invoke-Psql 'SELECT round(100.0 * count(*) FILTER (WHERE duration_ms >= 500) / count(*), 2) FROM pgperf.query_performance_logs')
Add-Result "Generate $($total.ToString('N0')) log rows over 30 days (SQL, with the rollup trigger)" ('{0:N0} s' -f $gen.Elapsed.TotalSeconds) "$slowShare % at or over 500 ms; 200 query names"

# --- Rollups: the first build and an incremental run ------------------------------------------------------------
$job = Invoke-PgHourlyMonitoring -Connection $cs
$step = $job.Steps | Where-Object Name -eq 'query rollups'
Add-Result 'Hourly job, step "query rollups": first build' ('{0:N1} s' -f ($step.DurationMs / 1000)) "$($step.Count) hours rolled up ($($step.Status))"
Invoke-Psql "INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms) SELECT now() - interval '3 days' - random() * interval '1 hour', 'query.1', md5('query.1'), 20 FROM generate_series(1, 1000)" | Out-Null
$job = Invoke-PgHourlyMonitoring -Connection $cs
$step = $job.Steps | Where-Object Name -eq 'query rollups'
Add-Result 'Hourly job, step "query rollups": incremental (1,000 late rows into a 3-day-old hour)' ('{0:N0} ms' -f $step.DurationMs) "$($step.Count) hour(s) rebuilt"
Invoke-Psql 'VACUUM ANALYZE pgperf.query_log_hourly, pgperf.query_log_daily, pgperf.query_log_hourly_all, pgperf.query_log_daily_all, pgperf.query_log_blocks' | Out-Null

# --- Reports, end to end through the cmdlets in this warm session ---------------------------------------------
# The data set was just written: let the server and the OS write it out first, so the reports are not timed against
# that background I/O (the reference figures are for a warm cache on a quiet server).
Invoke-Psql 'CHECKPOINT' | Out-Null
if (Get-Command sync -CommandType Application -ErrorAction SilentlyContinue) { & sync }
Start-Sleep -Seconds 5
$slow = Measure-Report { Get-PgSlowQuery -Connection $cs -Hours 24 -All }
$slowPiped = Measure-Report { Get-PgSlowQuery -Connection $cs -Hours 24 -All | Out-Null }
$slowTop = Measure-Report { Get-PgSlowQuery -Connection $cs -Hours 24 -Top 20 }
Add-Result 'Get-PgSlowQuery -Hours 24 -All (slow-row copy, sorted in the client)' $slow.Text ("{0:N0} rows returned; goal < 10 ms. Piped to Out-Null: {1} (PowerShell's per-object pipeline cost); -Top 20: {2}" -f @(Get-PgSlowQuery -Connection $cs -Hours 24 -All).Count, $slowPiped.Text, $slowTop.Text)
foreach ($hours in 24, 168, 696) {
    foreach ($group in 'None', 'Query') {
        $m = Measure-Report { Get-PgQueryStat -Connection $cs -Hours $hours -GroupBy $group }
        Add-Result "Get-PgQueryStat -Hours $hours -GroupBy $group (rollups + raw edges)" $m.Text 'goal < 25 ms'
    }
}
# References: the same reports from raw rows with exact percentile_cont (a threshold other than 500 takes the raw path).
$raw24 = Measure-Median 3 { Get-PgQueryStat -Connection $cs -Hours 24 -GroupBy Query -SlowThresholdMs 499.999 }
Add-Result 'Reference: Get-PgQueryStat -Hours 24 -GroupBy Query from raw rows (exact percentile_cont)' ('{0:N1} ms' -f $raw24)
$raw168 = Measure-Median 1 { Get-PgQueryStat -Connection $cs -Hours 168 -GroupBy Query -SlowThresholdMs 499.999 }
Add-Result 'Reference: Get-PgQueryStat -Hours 168 -GroupBy Query from raw rows (exact percentile_cont)' ('{0:N1} ms' -f $raw168)

# Accuracy: rollup percentiles vs exact percentile_cont over the same 7-day window, every query.
$end = [DateTimeOffset]::UtcNow; $start = $end.AddDays(-7)
$approx = Get-PgQueryStat -Connection $cs -Start $start -End $end -GroupBy Query
$exact = @{}
Invoke-Psql @"
SELECT query_hash, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms)
  FROM pgperf.query_performance_logs WHERE logged_at >= '$($start.ToString('o'))' AND logged_at < '$($end.ToString('o'))' GROUP BY 1
"@ | ForEach-Object { $h, $p50, $p95, $p99 = $_ -split '\|'; $exact[$h] = @([double]$p50, [double]$p95, [double]$p99) }
$worst = 0.0
foreach ($a in $approx) {
    $e = $exact[$a.QueryHash]
    foreach ($pair in @(@($a.P50DurationMs, $e[0]), @($a.P95DurationMs, $e[1]), @($a.P99DurationMs, $e[2]))) {
        $worst = [math]::Max($worst, [math]::Abs($pair[0] - $pair[1]) / $pair[1])
    }
}
Add-Result 'Rollup P50/P95/P99 vs exact percentile_cont, 7 days by query (200 groups)' ('max {0:P3} error' -f $worst) ('stated bound {0:P3}' -f ([PgPerf.QueryDigest]::RelativeError))

# --- Export-PgPerfReport over the whole data set: 720 hourly points per chart ---------------------------------------
$reportPath = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-bench-report-$PID.html"
$export = Measure-Median 3 { Export-PgPerfReport -Connection $cs -Path $reportPath -Hours 720 -WarningAction SilentlyContinue }
$sections = @(Export-PgPerfReport -Connection $cs -Path $reportPath -Hours 720 -WarningAction SilentlyContinue -Verbose 4>&1 |
    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Read *' } | ForEach-Object { $_.Message -replace '^Read ', '' -replace '\.$', '' })
$reportBytes = (Get-Item $reportPath).Length
Remove-Item $reportPath
# Reference: the same 720 hours of all-queries figures as one Get-PgQueryStat call per hour (what the page would cost
# without the one-pass per-hour read).
$end = [DateTimeOffset]::new([DateTime]::UtcNow.Date.AddHours([DateTime]::UtcNow.Hour + 1), [TimeSpan]::Zero)
$perHour = (Measure-Command { for ($h = 720; $h -gt 0; $h--) { $null = Get-PgQueryStat -Connection $cs -Start $end.AddHours(-$h) -End $end.AddHours(1 - $h) } }).TotalMilliseconds
Add-Result 'Export-PgPerfReport -Hours 720 (30 days; all-queries and 5 per-query charts, tables, alerts)' ('{0:N0} ms, {1:N2} MB file' -f $export, ($reportBytes / 1MB)) ('goal < 3 s and < 2 MB. Reference: Get-PgQueryStat once per hour for the same 720 hours, all queries only: {0:N0} ms. One run''s sections (-Verbose): {1}' -f $perHour, ($sections -join '; '))

# --- Retention at volume: batched DELETE of one day vs dropping daily partitions ---------------------------------
function Get-Lsn { Invoke-Psql 'SELECT pg_current_wal_lsn()' }
function Get-WalBytes([string] $From, [string] $To) { [double](Invoke-Psql "SELECT pg_wal_lsn_diff('$To', '$From')") }
$victim = Invoke-Psql "SELECT partition_name FROM pgperf.query_log_partitions() ORDER BY day OFFSET 1 LIMIT 1"
$victimRows = [long](Invoke-Psql "SELECT count(*) FROM pgperf.$victim")
Invoke-Psql @"
CREATE OR REPLACE PROCEDURE pg_temp_bench_delete(p_table regclass) LANGUAGE plpgsql AS `$`$
DECLARE n bigint;
BEGIN
  LOOP
    EXECUTE format('DELETE FROM %s WHERE ctid = ANY (ARRAY(SELECT ctid FROM %s LIMIT 5000))', p_table, p_table);
    GET DIAGNOSTICS n = ROW_COUNT;
    COMMIT;
    EXIT WHEN n < 5000;
  END LOOP;
END `$`$
"@ | Out-Null
Invoke-Psql 'CHECKPOINT' | Out-Null
$lsn0 = Get-Lsn
$deleteMs = (Measure-Command { Invoke-Psql "CALL pg_temp_bench_delete('pgperf.$victim')" | Out-Null; Invoke-Psql "VACUUM pgperf.$victim" | Out-Null }).TotalMilliseconds
$deleteWal = Get-WalBytes $lsn0 (Get-Lsn)
Invoke-Psql 'DROP PROCEDURE pg_temp_bench_delete' | Out-Null
Add-Result "Reference: one day ($($victimRows.ToString('N0')) rows) by batched DELETE (5,000 per transaction) + VACUUM" ('{0:N0} ms, {1:N1} MB WAL' -f $deleteMs, ($deleteWal / 1MB))

# Invoke-PgPerfRetention drops the days older than the cutoff (the emptied day above, and the days next to it).
Invoke-Psql 'CHECKPOINT' | Out-Null
$keep = 27
$toDrop = [int](Invoke-Psql "SELECT count(*) FROM pgperf.query_log_partitions() WHERE day + 1 <= ((now() - interval '$keep days') AT TIME ZONE 'UTC')::date")
$lsn0 = Get-Lsn
$retention = Invoke-PgPerfRetention -Connection $cs -QueryLogDays $keep -WarningAction SilentlyContinue
$dropWal = Get-WalBytes $lsn0 (Get-Lsn)
$log = $retention.Tables | Where-Object Table -eq 'pgperf.query_performance_logs'
Add-Result "Invoke-PgPerfRetention -QueryLogDays $keep`: $toDrop daily partitions dropped ($($log.RowsDeleted.ToString('N0')) rows; large days from statistics)" ('{0:N0} ms per day, {1:N2} MB WAL per day' -f ($log.DurationMs / [math]::Max(1, $toDrop)), ($dropWal / 1MB / [math]::Max(1, $toDrop))) ('{0:N0}x faster and {1:N0}x less WAL than the DELETE; goal < 50 ms and < 1 MB per day' -f (($deleteMs) / ($log.DurationMs / [math]::Max(1, $toDrop))), ($deleteWal / [math]::Max(1, $dropWal / [math]::Max(1, $toDrop))))

$results | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Out-Host
Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
