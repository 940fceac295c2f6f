# Operations: alerts, the hourly and daily jobs, retention and the scheduled-task entries.
$Psql = { param([string] $Sql) & psql -X -q -t -A -h $admin.Host -p $admin.Port -U $admin.Username -d pgperf_demo -c $Sql }

# A month and a half of history, so retention has something to do, and one resolved alert from last year.
& $Psql @"
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms, endpoint)
    SELECT now() - (g % 45 || ' days')::interval, 'SELECT * FROM orders WHERE id = \$1', 5 + g % 40, '/api/orders'
      FROM generate_series(1, 9000) g;
SELECT pgperf.create_performance_alert('table_bloat', 'warning', 'public.audit_log', '23 % bloat', '{"bloat_ratio": 23.1}');
SELECT pgperf.create_performance_alert('slow_query', 'critical', 'q:4f2a', 'GET /api/report took 1,840 ms', '{"duration_ms": 1840, "endpoint": "/api/report"}');
SELECT pgperf.create_performance_alert('slow_query', 'critical', 'q:4f2a', 'GET /api/report took 2,010 ms', '{"duration_ms": 2010, "endpoint": "/api/report"}');
SELECT pgperf.create_performance_alert('unused_index', 'info', 'public.ix_old', 'not used for 400 days');
UPDATE pgperf.performance_alerts SET resolved_at = now() - interval '200 days', resolved_by = 'dba' WHERE subject = 'public.ix_old';
"@ | Out-Null

Write-Host 'Get-PgPerfAlert -Open (deduplicated: the slow query was seen twice):'
Get-PgPerfAlert -Open | Format-Table | Out-Host
Write-Host 'Get-PgPerfAlert -Type table_bloat | Resolve-PgPerfAlert -ResolvedBy demo:'
Get-PgPerfAlert -Type table_bloat | Resolve-PgPerfAlert -ResolvedBy demo | Format-Table | Out-Host

Write-Host 'Invoke-PgPerfRetention -WhatIf:'
Invoke-PgPerfRetention -WhatIf
Write-Host 'Invoke-PgHourlyMonitoring:'
Invoke-PgHourlyMonitoring | Out-Host
Write-Host 'Invoke-PgDailyMaintenance (runs retention: 30 days of logs, 180 days of resolved alerts):'
$daily = Invoke-PgDailyMaintenance -WarningAction Continue
$daily | Out-Host
$daily.Steps | Format-Table | Out-Host

Write-Host 'Register-PgPerfScheduledTask -WhatIf (the entry a scheduler would run; no password in it):'
$pwshForDemo = @(Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue)[0].Source
if (-not $pwshForDemo) { $pwshForDemo = '/usr/bin/pwsh' }
try {
    Register-PgPerfScheduledTask -Job Daily -At 02:30 -Scheduler Cron -PwshPath $pwshForDemo -WhatIf
} catch {
    # A machine without cron or pwsh gets the clear error the cmdlet gives.
    Write-Host "Register-PgPerfScheduledTask: $($_.Exception.Message)"
}
