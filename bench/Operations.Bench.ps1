# Retention: how fast batched deletes clear old query logs, and how long each batch (one transaction,
# holding its row locks) takes, by batch size. Run by bench/Invoke-Benchmarks.ps1 (./build.ps1 Bench).
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Rows = 200000,
    [int[]] $BatchSizes = @(1000, 5000, 20000)
)
$ErrorActionPreference = 'Stop'
$admin = Connect-PgServer -ConnectionString $ConnectionString -PassThru
$env:PGPASSWORD = ($ConnectionString -split ';' | Where-Object { $_ -like 'Password=*' }) -replace '^Password=', ''
function Invoke-BenchSql([string] $Sql, [string] $Database = 'pgperf_bench_ops') {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $admin.Host -p $admin.Port -U $admin.Username -d $Database -c $Sql
    if ($LASTEXITCODE) { throw "psql failed: $out" }
    $out
}
Invoke-BenchSql 'DROP DATABASE IF EXISTS pgperf_bench_ops WITH (FORCE)' postgres | Out-Null
Invoke-BenchSql 'CREATE DATABASE pgperf_bench_ops' postgres | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', 'Database=pgperf_bench_ops'
Install-PgPerfSchema -Connection $cs | Out-Null

$results = foreach ($batch in $BatchSizes) {
    Invoke-BenchSql @"
TRUNCATE pgperf.query_performance_logs;
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms, endpoint)
    SELECT now() - interval '60 days' + (g % 86400) * interval '1 second', 'SELECT * FROM orders WHERE id = `$1', g % 900, '/api/orders'
      FROM generate_series(1, $Rows) g
    UNION ALL
    SELECT now() - (g % 20) * interval '1 day', 'SELECT recent', g % 900, '/api/orders' FROM generate_series(1, $Rows / 4) g;
"@ | Out-Null
    Invoke-BenchSql 'VACUUM ANALYZE pgperf.query_performance_logs' | Out-Null
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $r = Invoke-PgPerfRetention -Connection $cs -BatchSize $batch -WarningAction SilentlyContinue -Confirm:$false
    $sw.Stop()
    $log = $r.Tables | Where-Object Table -eq 'pgperf.query_performance_logs'
    [pscustomobject]@{
        BatchSize     = $batch
        RowsDeleted   = $log.RowsDeleted
        Batches       = $log.Batches
        TotalMs       = [math]::Round($sw.Elapsed.TotalMilliseconds)
        RowsPerSecond = [math]::Round($log.RowsDeleted / ($log.DurationMs / 1000))
        MsPerBatch    = [math]::Round($log.DurationMs / $log.Batches, 1)
        VacuumDue     = $log.VacuumDue
    }
}
$results | Format-Table -AutoSize | Out-Host
Invoke-BenchSql 'DROP DATABASE IF EXISTS pgperf_bench_ops WITH (FORCE)' postgres | Out-Null
