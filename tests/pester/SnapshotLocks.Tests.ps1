# Monitoring never hangs behind what it watches (issue 15): with a real ALTER TABLE queued for its ACCESS EXCLUSIVE
# lock behind another session's open transaction, the hourly job's snapshot steps finish, size that table from the
# catalog with a note, and leave the ALTER waiting exactly as before.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:db = New-TestDatabase 'pgperf_locks'
    Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
    Invoke-TestSql -Database $db.Name @'
CREATE TABLE orders_under_alter (id bigint PRIMARY KEY, note text);
INSERT INTO orders_under_alter SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
CREATE TABLE orders_free (id bigint PRIMARY KEY, note text);
INSERT INTO orders_free SELECT g, repeat('y', 100) FROM generate_series(1, 5000) g;
ANALYZE;
'@ | Out-Null
}

AfterAll {
    Remove-TestDatabase $script:db
}

Describe 'Monitoring and a queued ACCESS EXCLUSIVE lock' -Tag 'Health', 'Operations', 'Integration' {
    It 'finishes every step, notes the locked table, and leaves the waiting ALTER TABLE as it was' {
        $holder = $alter = $job = $null
        try {
            $holder = Start-TestSession 'BEGIN; SELECT count(*) FROM orders_under_alter;' $db.Name "holder_$suffix"
            Wait-TestBackend "holder_$suffix" "state = 'idle in transaction'" $db.Name | Out-Null
            $alter = Start-TestSession 'ALTER TABLE orders_under_alter ADD COLUMN flagged boolean;' $db.Name "alter_$suffix"
            Wait-TestBackend "alter_$suffix" "wait_event_type = 'Lock'" $db.Name | Out-Null
            # The situation is real: the queued request makes a newcomer's ACCESS SHARE lock (pg_relation_size) wait.
            Invoke-TestSql -Database $db.Name "SET lock_timeout = '300ms'; SELECT pg_relation_size('orders_under_alter')" -AllowError |
                Should -Match 'lock timeout' -Because 'a plain size read queues behind the ALTER'

            $job = Start-ThreadJob -ArgumentList $script:ModulePath, $db.ConnectionString -ScriptBlock {
                param($module, $cs)
                Import-Module $module
                Invoke-PgHourlyMonitoring -Connection $cs -WarningAction SilentlyContinue
            }
            Wait-Job $job -Timeout 60 | Should -Not -BeNullOrEmpty -Because 'the hourly job must not wait behind the queued lock'
            $result = Receive-Job $job
            $steps = @($result.Steps)
            @($steps | Where-Object Status -eq 'Failed' | ForEach-Object { "$($_.Name): $($_.Error)" }) | Should -BeNullOrEmpty
            $bloat = $steps | Where-Object Name -eq 'bloat snapshot'
            $bloat.Status | Should -Be 'Succeeded'
            $bloat.Message | Should -Match 'orders_under_alter \(locked\)'
            $bloat.Message | Should -Not -Match 'orders_free' -Because 'only the locked table is sized from the catalog'
            ($steps | Where-Object Name -eq 'index snapshot').Status | Should -Be 'Succeeded'
            Invoke-TestSql -Database $db.Name "SELECT 'SizeFromCatalog' = ANY (flags) FROM pgperf.table_bloat_snapshots WHERE tablename = 'orders_under_alter' ORDER BY captured_at DESC LIMIT 1" |
                Should -Be 't'
            Invoke-TestSql -Database $db.Name "SELECT 'SizeFromCatalog' = ANY (flags) FROM pgperf.table_bloat_snapshots WHERE tablename = 'orders_free' ORDER BY captured_at DESC LIMIT 1" |
                Should -Be 'f'

            # Monitoring broke nothing: the ALTER still waits, and runs as soon as the holder's transaction ends.
            Wait-TestBackend "alter_$suffix" "wait_event_type = 'Lock'" $db.Name | Out-Null
            Stop-TestSession $holder; $holder = $null
            $deadline = (Get-Date).AddSeconds(20)
            while (-not (Invoke-TestSql -Database $db.Name "SELECT 1 FROM pg_attribute WHERE attrelid = 'orders_under_alter'::regclass AND attname = 'flagged'") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Invoke-TestSql -Database $db.Name "SELECT 1 FROM pg_attribute WHERE attrelid = 'orders_under_alter'::regclass AND attname = 'flagged'" | Should -Be '1'
        } finally {
            # Ending the sessions first frees a job that did hang, so it can be removed.
            Stop-TestSession $holder, $alter
            if ($job) { Wait-Job $job -Timeout 60 | Out-Null; Remove-Job $job -Force }
        }
    }

    It 'Get-PgIndexBloat and Invoke-PgHealthCheck size an index with a REINDEX queued from the catalog instead of waiting' {
        $holder = $reindex = $job = $null
        try {
            # A reader's open transaction holds ACCESS SHARE on the table's indexes; REINDEX INDEX queues for ACCESS EXCLUSIVE.
            $holder = Start-TestSession 'BEGIN; SELECT count(*) FROM orders_free;' $db.Name "ix_holder_$suffix"
            Wait-TestBackend "ix_holder_$suffix" "state = 'idle in transaction'" $db.Name | Out-Null
            $reindex = Start-TestSession 'REINDEX INDEX orders_free_pkey;' $db.Name "reindex_$suffix"
            Wait-TestBackend "reindex_$suffix" "wait_event_type = 'Lock'" $db.Name | Out-Null
            Invoke-TestSql -Database $db.Name "SET lock_timeout = '300ms'; SELECT pg_relation_size('orders_free_pkey')" -AllowError |
                Should -Match 'lock timeout' -Because 'a plain size read of the index queues behind the REINDEX'

            $job = Start-ThreadJob -ArgumentList $script:ModulePath, $db.ConnectionString -ScriptBlock {
                param($module, $cs)
                Import-Module $module
                [pscustomobject]@{ Bloat = @(Get-PgIndexBloat -Connection $cs); Checks = @(Invoke-PgHealthCheck -Connection $cs -Check index_bloat) }
            }
            Wait-Job $job -Timeout 60 | Should -Not -BeNullOrEmpty -Because 'reading index bloat must not wait behind the queued REINDEX'
            $result = Receive-Job $job
            ($result.Bloat | Where-Object Index -eq 'orders_free_pkey').Flags | Should -Contain 'SizeFromCatalog'
            ($result.Bloat | Where-Object Index -eq 'orders_under_alter_pkey').Flags | Should -Not -Contain 'SizeFromCatalog'
            $result.Checks.Status | Should -Be 'Ok'
            Wait-TestBackend "reindex_$suffix" "wait_event_type = 'Lock'" $db.Name | Out-Null
        } finally {
            Stop-TestSession $holder, $reindex
            if ($job) { Wait-Job $job -Timeout 60 | Out-Null; Remove-Job $job -Force }
        }
    }
}
