# Server-side statements (pg_stat_statements): what costs the server the most, and what got slower.
# The hourly job above took the baseline snapshot; each later snapshot stores only what changed.
$Psql = { param([string] $Sql) & psql -X -q -t -A -h $admin.Host -p $admin.Port -U $admin.Username -d pgperf_demo -c $Sql }

& $Psql @'
CREATE TABLE demo_orders (id bigint PRIMARY KEY, customer_id int NOT NULL, total numeric(10,2), note text);
INSERT INTO demo_orders SELECT g, g % 5000, (g % 997) / 3.0, 'order ' || g FROM generate_series(1, 200000) g;
CREATE INDEX demo_orders_customer ON demo_orders (customer_id);
ANALYZE demo_orders;
'@ | Out-Null
$lookup = "SELECT id, total FROM demo_orders WHERE customer_id = 42"
$report = "SELECT customer_id % 10 AS bucket, sum(total) FROM demo_orders GROUP BY 1"
function Invoke-DemoWorkload([string] $Sql, [int] $Times) { & $Psql ((1..$Times | ForEach-Object { $Sql }) -join ";`n") | Out-Null }

$before = Invoke-PgStatementSnapshot
Invoke-DemoWorkload $lookup 200
Invoke-DemoWorkload $report 5
$fast = Invoke-PgStatementSnapshot
# Someone drops the index the lookup needs: the same statement (same queryid) now scans the table.
& $Psql 'DROP INDEX demo_orders_customer' | Out-Null
Invoke-DemoWorkload $lookup 200
$slow = Invoke-PgStatementSnapshot

Write-Host 'Get-PgTopStatement -Database pgperf_demo -Top 5 (execution time since the baseline):'
Get-PgTopStatement -Database pgperf_demo -Top 5 | Out-Host
Write-Host 'Get-PgTopStatement -OrderBy SharedBlocksRead -Top 3 | Format-Table QueryId, Calls, SharedBlocksRead, SharedHitRatio, Query:'
Get-PgTopStatement -Database pgperf_demo -OrderBy SharedBlocksRead -Top 3 | Format-Table QueryId, Calls, SharedBlocksRead, SharedHitRatio, Query | Out-Host

Write-Host 'Compare-PgStatement: the snapshots before the DROP INDEX as the baseline, after it as the current window:'
$regressions = Compare-PgStatement -Database pgperf_demo -BaselineStart $before.CapturedAt -BaselineEnd $fast.CapturedAt -Start $fast.CapturedAt -End $slow.CapturedAt.AddSeconds(1)
$regressions | Out-Host
$regressions | Select-Object -First 1 | Format-List QueryId, Query, BaselineMeanMs, CurrentMeanMs, IncreasePercent, CurrentCalls, AddedTimeMs | Out-Host
Write-Host 'Get-PgStatementTrend for it (one row per hour):'
$regressions | Select-Object -First 1 | Get-PgStatementTrend | Out-Host
