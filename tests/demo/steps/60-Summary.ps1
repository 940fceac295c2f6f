# The dashboard: every alert source in one list, and the summary as the spec's JSON.
Write-Host 'An audit table bloated by updates, and 35 days of snapshot history back-filled for one index, so the'
Write-Host '30-day verdict and the bloat alert show without waiting a month (a real install gets this from the hourly job).'
& $Psql @'
CREATE TABLE audit_log (id int PRIMARY KEY, event text, payload text) WITH (autovacuum_enabled = off);
INSERT INTO audit_log SELECT g, 'login', repeat('p', 120) FROM generate_series(1, 40000) g;
UPDATE audit_log SET event = 'login-ok';
INSERT INTO pgperf.index_usage_snapshots (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch,
                                          index_size_bytes, stats_reset, server_started_at)
SELECT now() - make_interval(days => d), s.schemaname, s.relname, s.indexrelname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
       pg_relation_size(s.indexrelid), (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()), pg_postmaster_start_time()
  FROM pg_stat_user_indexes s, generate_series(1, 35) d
 WHERE s.indexrelname = 'conversations_title_lower';
'@ | Out-Null
& $Psql 'VACUUM audit_log' | Out-Null
& $Psql 'ANALYZE audit_log' | Out-Null
Invoke-PgIndexSnapshot | Out-Null

Write-Host 'Invoke-PgDailyMaintenance (unused indexes, confirmed bloat with alerts, retention):'
(Invoke-PgDailyMaintenance).Steps | Format-Table | Out-Host
Write-Host 'Get-PgPerfAlert -Open (slow queries, unused indexes, bloat and jobs all raise alerts the same way):'
Get-PgPerfAlert -Open | Format-Table | Out-Host
Write-Host 'Get-PgPerformanceSummary:'
Get-PgPerformanceSummary | Format-List | Out-Host
Write-Host "Get-PgPerformanceSummary -AsJson (the spec's GET /api/performance?metric=summary):"
Get-PgPerformanceSummary -AsJson | Out-Host
