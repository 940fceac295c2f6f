# Migration 036 (issue 17: the query log per registered server) on a large existing log: what it costs to add
# server_id and rebuild the keys. Run by bench/Invoke-Benchmarks.ps1:
#   dotnet pwsh ./build.ps1 Bench -Server Local -BenchArgs @{ Only = 'Migration036'; Rows = 10000000 }
# The log is generated with the installed schema (30 days, as Query.Bench.ps1), then 036's statements on the log are
# run again as they run on an older schema: the column added with its constant default (a catalog change) and the
# log's primary key rebuilt with server_id first (one index build per day partition); the slow copy's key likewise.
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Rows = $(if ($env:PGPERF_BENCH_ROWS) { [int]$env:PGPERF_BENCH_ROWS } else { 10000000 })
)
$dbName = 'pgperf_bench_migration036'
. (Join-Path $PSScriptRoot 'QueryBench.Common.ps1')

Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
Invoke-Psql "CREATE DATABASE $dbName" 'postgres' | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$dbName"
Install-PgPerfSchema -Connection $cs | Out-Null

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
$total = [long](Invoke-Psql 'SELECT count(*) FROM pgperf.query_performance_logs')
$slow = [long](Invoke-Psql 'SELECT count(*) FROM pgperf.query_log_slow')

function Measure-Sql([string] $Sql) { (Measure-Command { Invoke-Psql $Sql | Out-Null }).TotalMilliseconds }
$column = Measure-Sql 'ALTER TABLE pgperf.query_performance_logs ADD COLUMN bench_server_id integer NOT NULL DEFAULT 0'
Invoke-Psql 'ALTER TABLE pgperf.query_performance_logs DROP COLUMN bench_server_id' | Out-Null
Add-Result "036: add a column with a constant default to a $($total.ToString('N0'))-row log" ('{0:N0} ms' -f $column) 'catalog only: no rewrite, no scan'
$key = Measure-Sql @'
ALTER TABLE pgperf.query_performance_logs
    DROP CONSTRAINT query_performance_logs_pkey,
    ADD CONSTRAINT query_performance_logs_pkey PRIMARY KEY (server_id, logged_at, id)
'@
Add-Result "036: rebuild the log's primary key (server_id, logged_at, id), $($total.ToString('N0')) rows" ('{0:N1} s' -f ($key / 1000)) '31 partitions, one index build each; writers wait (they spool after their timeout)'
$slowKey = Measure-Sql @'
ALTER TABLE pgperf.query_log_slow
    DROP CONSTRAINT query_log_slow_pkey,
    ADD CONSTRAINT query_log_slow_pkey PRIMARY KEY (server_id, logged_at, id)
'@
Add-Result "036: rebuild the slow copy's key, $($slow.ToString('N0')) rows" ('{0:N0} ms' -f $slowKey)

Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
$results | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Out-Host
