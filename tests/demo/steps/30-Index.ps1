# Index health: snapshots, unused indexes (and why a fresh server says InsufficientData), trends,
# duplicates, an invalid index, and a safe drop that keeps the way back.
function Invoke-DemoSql([string] $Sql) {
    & psql -X -q -t -A -h $admin.Host -p $admin.Port -U $admin.Username -d pgperf_demo -c $Sql 2>&1
}

Invoke-DemoSql @'
CREATE TABLE conversations (id bigint PRIMARY KEY, status text NOT NULL, created_at timestamptz NOT NULL, title text);
INSERT INTO conversations
SELECT g, (ARRAY['pending_review', 'approved', 'rejected'])[1 + g % 3], now() - g * interval '1 minute', 'Conversation ' || g
  FROM generate_series(1, 50000) g;
CREATE INDEX conversations_status ON conversations (status);
CREATE INDEX "Conversations By Status" ON conversations (status);          -- an exact duplicate, mixed-case name
CREATE INDEX conversations_status_created ON conversations (status, created_at);
CREATE INDEX conversations_title_lower ON conversations (lower(title));
ANALYZE conversations;
'@ | Out-Null
# A unique build that meets duplicates fails and leaves an invalid index behind.
Invoke-DemoSql 'CREATE UNIQUE INDEX CONCURRENTLY conversations_status_unique ON conversations (status)' | Out-Null

Write-Host 'Invoke-PgIndexSnapshot (the hourly job does this):'
Invoke-PgIndexSnapshot | Format-Table | Out-Host
# Some application traffic that uses the status index.
# PostgreSQL 15+ publishes the session's counters on request; before 15 they go out at most every 500 ms.
$before15 = [int](Invoke-DemoSql 'SHOW server_version_num') -lt 150000
$publish = if ($before15) { 'SELECT pg_sleep(0.6);' } else { 'SELECT pg_stat_force_next_flush();' }
Invoke-DemoSql "SET enable_seqscan = off; SELECT count(*) FROM conversations WHERE status = 'approved' AND created_at > now() - interval '1 day'; SELECT count(*) FROM conversations WHERE status = 'rejected'; $publish" | Out-Null
if ($before15) { Start-Sleep -Milliseconds 600 }
Invoke-PgIndexSnapshot | Out-Null

Write-Host 'Get-PgUnusedIndex (a fresh server has too little history to call anything unused):'
Get-PgUnusedIndex | Format-Table | Out-Host
Write-Host 'Get-PgUnusedIndex -IgnoreStatsAge -Status Active, Unused, ConsiderDropping (judge on what there is):'
Get-PgUnusedIndex -IgnoreStatsAge -Status Active, Unused, ConsiderDropping | Format-Table | Out-Host
Write-Host 'The same verdict from psql: SELECT indexname, status, observed_days FROM pgperf.detect_unused_indexes(30)'
Invoke-DemoSql 'SELECT indexname, status, observed_days FROM pgperf.detect_unused_indexes(30)' | Out-Host

Write-Host 'Get-PgIndexTrend -Table conversations -Days 7:'
Get-PgIndexTrend -Table conversations -Days 7 | Format-Table | Out-Host

Write-Host 'Get-PgDuplicateIndex:'
Get-PgDuplicateIndex | Format-Table | Out-Host
Write-Host 'Get-PgInvalidIndex:'
Get-PgInvalidIndex | Format-List Schema, Table, Index, Reason, Definition | Out-Host

Write-Host 'Get-PgDuplicateIndex | Remove-PgIndex -WhatIf (prints the exact SQL, changes nothing):'
Get-PgDuplicateIndex | Remove-PgIndex -WhatIf
Write-Host 'Get-PgInvalidIndex | Remove-PgIndex -Confirm:$false, then Get-PgDuplicateIndex -Kind Exact | Remove-PgIndex -Confirm:$false:'
$dropped = @(Get-PgInvalidIndex | Remove-PgIndex -Confirm:$false) + @(Get-PgDuplicateIndex -Kind Exact | Remove-PgIndex -Confirm:$false)
$dropped | Format-List Schema, Table, Index, DroppedAt, RollbackDdl | Out-Host
Write-Host 'Remove-PgIndex on the primary key is refused:'
Remove-PgIndex -Index conversations_pkey -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable refused
Write-Host "  $($refused[0].FullyQualifiedErrorId): $($refused[0].Exception.Message)"
