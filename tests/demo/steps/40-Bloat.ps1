# Table bloat: estimate, confirm with pgstattuple, snapshot + alert, VACUUM FULL, alert resolved.
function Invoke-DemoSql([string] $Sql) {
    & psql -X -q -h $admin.Host -p $admin.Port -U $admin.Username -d pgperf_demo -c $Sql
    if ($LASTEXITCODE) { throw "psql failed: $Sql" }
}
Write-Host 'A workload: 60,000 orders, then 65 % of them deleted and a plain VACUUM (dead rows gone, space not).'
Invoke-DemoSql @'
CREATE TABLE IF NOT EXISTS orders (id bigint, customer text, status text, total numeric(10,2), created_at timestamptz) WITH (autovacuum_enabled = off);
INSERT INTO orders SELECT i, 'customer ' || (i % 700), CASE WHEN i % 3 = 0 THEN 'shipped' ELSE 'open' END, i % 1000 * 1.5, now() - i * interval '1 min' FROM generate_series(1, 60000) i;
CREATE TABLE IF NOT EXISTS customers (id int, name text, email text);
INSERT INTO customers SELECT i, 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 700) i;
'@
Invoke-DemoSql 'DELETE FROM orders WHERE id % 20 < 13'
Start-Sleep -Seconds 1
Invoke-DemoSql 'VACUUM orders'
Invoke-DemoSql 'ANALYZE orders; ANALYZE customers'

Write-Host 'Get-PgTableBloat -Schema public (Estimate: catalog and pg_stats only):'
Get-PgTableBloat -Schema public | Format-Table | Out-Host

Write-Host 'Confirm with pgstattuple (CREATE EXTENSION pgstattuple first):'
Invoke-DemoSql 'CREATE EXTENSION IF NOT EXISTS pgstattuple'
'Estimate', 'Approx', 'Exact' | ForEach-Object { Get-PgTableBloat -Table orders -Method $_ } |
    Format-Table Table, Method, BloatPercent, BloatBytes, TableBytes, LiveTuples, Status, Confidence | Out-Host

Write-Host 'Invoke-PgBloatSnapshot (daily job: capture, confirm with Approx, alerts):'
Invoke-PgBloatSnapshot | Format-List Kind, Count, CapturedAt, DurationMs, Skipped | Out-Host
Invoke-DemoSql "SELECT alert_type, severity, subject, occurrences, left(message, 90) AS message FROM pgperf.performance_alerts WHERE alert_type = 'high_bloat' AND resolved_at IS NULL"

Write-Host 'Get-PgTableBloat -MinBloatPercent 20 -MinWastedMB 1 | Invoke-PgVacuum -Full -WhatIf:'
Get-PgTableBloat -MinBloatPercent 20 -MinWastedMB 1 | Invoke-PgVacuum -Full -WhatIf
Write-Host 'The same with -Force (in a maintenance window):'
Get-PgTableBloat -MinBloatPercent 20 -MinWastedMB 1 | Invoke-PgVacuum -Full -Analyze -Force -WarningAction SilentlyContinue | Format-Table | Out-Host

Write-Host 'Next snapshot: the alert resolves by itself.'
Invoke-PgBloatSnapshot | Out-Null
Invoke-DemoSql "SELECT subject, occurrences, resolved_at IS NOT NULL AS resolved, resolved_by FROM pgperf.performance_alerts WHERE alert_type = 'high_bloat'"
Get-PgTableBloat -Table orders | Format-Table | Out-Host
