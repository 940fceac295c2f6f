# pg_stat_statements history speed (issue 14). Goals:
#   - a snapshot of 5,000 tracked statements under 500 ms, writing only the changed ones;
#   - Get-PgTopStatement over 24 h and over 7 days of hourly history for 5,000 statements under 50 ms end to end;
#   - history size per day at 5,000 statements.
# Needs pg_stat_statements.max above -Statements (the default is 5,000, too few once the server's own statements
# count): on a local throwaway server the bench raises it with ALTER SYSTEM and restarts the server first.
# Results go into docs/benchmarks.md ("Server-side statements").
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Statements = 5000,
    [int] $Runs = 7,
    [int] $HistoryDays = 7
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
function Invoke-BenchFile([string] $Database, [string] $Path) {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $parts.Host -p $parts.Port -U $parts.Username -d $Database -f $Path 2>&1
    if ($LASTEXITCODE) { throw "psql failed: $out" }
}
# Each case runs once untimed first: its first call plans new SQL and runs .NET code not yet compiled for it.
function Measure-Median([scriptblock] $Body, [int] $Times = $Runs) {
    & $Body | Out-Null
    $ms = foreach ($i in 1..$Times) { $sw = [System.Diagnostics.Stopwatch]::StartNew(); & $Body | Out-Null; $sw.Elapsed.TotalMilliseconds }
    ($ms | Sort-Object)[[int][math]::Floor($Times / 2)]
}

# pg_stat_statements.max is a server start setting: raise it on a local server (data_directory readable here).
$max = [int](Invoke-BenchSql postgres 'SHOW pg_stat_statements.max')
if ($max -lt $Statements + 1000) {
    $dataDir = Invoke-BenchSql postgres 'SHOW data_directory'
    if (-not (Test-Path (Join-Path $dataDir 'postmaster.pid'))) {
        throw "pg_stat_statements.max is $max, below $($Statements + 1000), and the server's data directory is not on this machine: start the server with -c pg_stat_statements.max=$($Statements + 1000)."
    }
    . (Join-Path $PSScriptRoot '../tests/server/TestServer.ps1')
    Invoke-BenchSql postgres "ALTER SYSTEM SET pg_stat_statements.max = $($Statements + 1000)" | Out-Null
    Invoke-PgBinary (Join-Path (Find-PgBinFolder) 'pg_ctl') @('-D', $dataDir, '-l', (Join-Path (Split-Path $dataDir -Parent) 'server.log'), '-m', 'fast', '-w', 'restart') | Out-Null
    Write-Host "Raised pg_stat_statements.max from $max to $($Statements + 1000) (restarted the server)."
}

$db = 'pgperf_bench_statements'
Invoke-BenchSql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" | Out-Null
Invoke-BenchSql postgres "CREATE DATABASE $db" | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$db"
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-bench-stmt-{0}" -f [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    Install-PgPerfSchema -Connection $cs | Out-Null
    # Distinct statements: 100 tables x 50 shapes (which column is read, which one filtered); attribute numbers
    # are part of the queryid, constants are not.
    $tables = [int][math]::Ceiling($Statements / 50)
    Invoke-BenchSql $db @"
DO `$`$ BEGIN
  FOR t IN 1..$tables LOOP
    EXECUTE format('CREATE TABLE bs_%s (id int PRIMARY KEY, c1 int, c2 int, c3 int, c4 int, c5 int, c6 int, c7 int, c8 int, c9 int, c10 int)', t);
    EXECUTE format('INSERT INTO bs_%s SELECT g, g, g, g, g, g, g, g, g, g, g FROM generate_series(1, 5) g', t);
  END LOOP;
END `$`$;
"@ | Out-Null
    $all = [System.Collections.Generic.List[string]]::new()
    :outer foreach ($t in 1..$tables) { foreach ($read in 1..10) { foreach ($filter in 1..5) {
        $all.Add("SELECT c$read FROM bs_$t WHERE c$filter = 1;")
        if ($all.Count -ge $Statements) { break outer }
    } } }
    $allFile = Join-Path $work 'all.sql'; Set-Content $allFile $all
    $tenthFile = Join-Path $work 'tenth.sql'; Set-Content $tenthFile ($all | Select-Object -First ([int]($Statements / 10)))
    Invoke-BenchFile $db $allFile
    $tracked = [int](Invoke-BenchSql $db "SELECT count(*) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
    Write-Host ("{0} statements tracked in the bench database ({1} on the server)" -f $tracked, (Invoke-BenchSql $db 'SELECT count(*) FROM pg_stat_statements'))

    Write-Host ("Load average at the start: {0}" -f (((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3) -join ' '))
    $baseline = Invoke-PgStatementSnapshot -Connection $cs
    Write-Host ("Baseline snapshot (counters remembered, no text read): {0:n0} ms" -f $baseline.DurationMs)

    $results = foreach ($case in @(
        @{ Name = 'nothing changed'; Before = { } }
        @{ Name = '10 % changed'; Before = { Invoke-BenchFile $db $tenthFile } }
        @{ Name = 'all changed'; Before = { Invoke-BenchFile $db $allFile } }
    )) {
        $ms = foreach ($i in 1..$Runs) {
            & $case.Before
            $r = Invoke-PgStatementSnapshot -Connection $cs
            [pscustomobject]@{ Ms = $r.DurationMs; Written = $r.Count }
        }
        $sorted = $ms | Sort-Object Ms
        $row = [pscustomobject]@{ Case = "snapshot, $($case.Name)"; MedianMs = [math]::Round($sorted[[int][math]::Floor($Runs / 2)].Ms, 1); RowsWritten = ($ms.Written | Sort-Object)[[int][math]::Floor($Runs / 2)] }
        Write-Host ("{0}: median {1} ms, {2} rows (all runs: {3})" -f $row.Case, $row.MedianMs, $row.RowsWritten, (($ms.Ms | ForEach-Object { [math]::Round($_) }) -join ', '))
        $row
    }

    # Hourly history of $HistoryDays days for every statement, every statement changed every hour (the worst case),
    # written directly with past captured_at. The triggers of migration 019 compute the running totals, the daily
    # rollup and statement_running for rows not written by a capture; that rewrites the rows in key order, so each
    # day is then laid out again in capture order (CLUSTER on captured_at), as the hourly captures write it.
    $setup = [System.Diagnostics.Stopwatch]::StartNew()
    Invoke-BenchSql $db @"
TRUNCATE pgperf.statement_history;
SELECT pgperf.ensure_statement_history_partitions(ARRAY(SELECT d::date FROM generate_series((now() AT TIME ZONE 'UTC')::date - $HistoryDays - 1, (now() AT TIME ZONE 'UTC')::date, interval '1 day') d));
INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes, jit_time_ms)
SELECT h, l.dbid, l.userid, l.queryid, l.toplevel, 10 + (l.queryid & 15), 5.0 + (l.queryid & 7), 40.0, 0, 10, 100, l.queryid & 3, 0, 0, 0, 0, 0, 0, 0, 0, NULL
  FROM generate_series(date_trunc('hour', now()) - interval '$HistoryDays days' + interval '1 hour', date_trunc('hour', now()), interval '1 hour') h
 CROSS JOIN (SELECT * FROM pgperf.statement_last WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT $Statements) l
 ORDER BY h, l.queryid;
"@ | Out-Null
    # (its own transaction: CLUSTER keeps the row versions the same transaction replaced)
    Invoke-BenchSql $db @"
DO `$`$
DECLARE p record;
BEGIN
  FOR p IN SELECT c.relname AS part, i.relname AS idx
             FROM pg_inherits pi JOIN pg_class c ON c.oid = pi.inhrelid
             JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_inherits ii ON ii.inhrelid = i.oid AND ii.inhparent = 'pgperf.statement_history_captured_at'::regclass
            WHERE pi.inhparent = 'pgperf.statement_history'::regclass LOOP
    EXECUTE format('CLUSTER pgperf.%I USING %I', p.part, p.idx);
  END LOOP;
END `$`$;
"@ | Out-Null
    foreach ($table in 'statement_history', 'statement_daily', 'statement_running') { Invoke-BenchSql $db "VACUUM ANALYZE pgperf.$table" | Out-Null }
    $rows = [long](Invoke-BenchSql $db 'SELECT count(*) FROM pgperf.statement_history')
    $perDay = Invoke-BenchSql $db "SELECT pg_total_relation_size(format('pgperf.%I', partition_name)::regclass) || ' ' || (SELECT count(*) FROM pgperf.statement_history WHERE captured_at >= day AND captured_at < day + 1) FROM pgperf.statement_history_partitions() WHERE day = (now() AT TIME ZONE 'UTC')::date - 2"
    $bytes, $dayRows = $perDay -split ' '
    $rollup = Invoke-BenchSql $db "SELECT pg_total_relation_size('pgperf.statement_daily') || ' ' || (SELECT count(DISTINCT day) FROM pgperf.statement_daily) || ' ' || pg_total_relation_size('pgperf.statement_running') || ' ' || (SELECT count(*) FROM pgperf.statement_running)"
    $dailyBytes, $dailyDays, $runningBytes, $runningRows = $rollup -split ' '
    Write-Host ("Loaded {0:n0} history rows in {1:n1} s; one full day: {2:n0} rows, {3:n1} MB with its indexes ({4:n0} bytes per row)" -f $rows, $setup.Elapsed.TotalSeconds, [long]$dayRows, ([long]$bytes / 1MB), ([long]$bytes / [long]$dayRows))
    Write-Host ("Daily rollup: {0:n1} MB for {1} days ({2:n2} MB per day); statement_running: {3:n2} MB for {4:n0} entries" -f ([long]$dailyBytes / 1MB), $dailyDays, ([long]$dailyBytes / 1MB / [int]$dailyDays), ([long]$runningBytes / 1MB), [long]$runningRows)

    # Reference in the same run: the window read of migration 014 (every hourly row of the window summed per entry)
    # against 019's (statement_window: running totals), same client (psql, one warm session), alternating.
    $referenceSql = 'SELECT count(*) FROM (SELECT h.queryid, sum(h.calls), sum(h.exec_time_ms), sum(h.sum_sq_exec_time), sum(h.plan_time_ms), sum(h.rows), sum(h.shared_blks_hit), sum(h.shared_blks_read), sum(h.temp_blks_written), sum(h.wal_bytes), bool_or(h.counters_reset) FROM pgperf.statement_history h WHERE h.captured_at > now() - interval ''{0} hours'' AND h.captured_at <= now() GROUP BY h.dbid, h.userid, h.queryid, h.toplevel) x'
    $windowSql = 'SELECT count(*) FROM pgperf.statement_window(now() - interval ''{0} hours'', now())'
    foreach ($hours in 24, (24 * $HistoryDays)) {
        $script = @('\timing on') + (1..$Runs | ForEach-Object { ($referenceSql -f $hours) + ';'; ($windowSql -f $hours) + ';' })
        $times = @(($script -join "`n") | & psql -X -q -t -A -h $parts.Host -p $parts.Port -U $parts.Username -d $db 2>&1 |
            Where-Object { $_ -match '^Time: ([0-9.]+) ms' } | ForEach-Object { [double]$Matches[1] })
        $ref = for ($i = 0; $i -lt $times.Count; $i += 2) { $times[$i] }
        $new = for ($i = 1; $i -lt $times.Count; $i += 2) { $times[$i] }
        $results += [pscustomobject]@{ Case = "reference: 014 read, sum of the hourly rows, $hours h (SQL, psql)"; MedianMs = [math]::Round(($ref | Sort-Object)[[int][math]::Floor($ref.Count / 2)], 1); RowsWritten = $null }
        $results += [pscustomobject]@{ Case = "019 read, pgperf.statement_window, $hours h (SQL, psql)"; MedianMs = [math]::Round(($new | Sort-Object)[[int][math]::Floor($new.Count / 2)], 1); RowsWritten = $null }
    }

    Get-PgTopStatement -Connection $cs | Out-Null   # warm the pool and caches
    $results += foreach ($hours in 24, (24 * $HistoryDays)) {
        foreach ($order in 'TotalTime', 'SharedBlocksRead') {
            [pscustomobject]@{
                Case = "Get-PgTopStatement -Hours $hours -OrderBy $order"
                MedianMs = [math]::Round((Measure-Median { Get-PgTopStatement -Connection $cs -Hours $hours -OrderBy $order }), 1)
                RowsWritten = $null
            }
        }
    }
    $results += [pscustomobject]@{
        Case = 'Compare-PgStatement (24 h against the 7 days before)'
        MedianMs = [math]::Round((Measure-Median { Compare-PgStatement -Connection $cs }), 1); RowsWritten = $null
    }
    $results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Write-Host ("Load average at the end: {0}" -f (((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3) -join ' '))
} finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Invoke-BenchSql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" | Out-Null
}
