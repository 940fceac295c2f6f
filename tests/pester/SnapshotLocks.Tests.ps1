# Monitoring never hangs behind what it watches (issue 15): with a real ALTER TABLE queued for its ACCESS EXCLUSIVE
# lock behind another session's open transaction, the hourly job's snapshot steps finish, size that table from the
# catalog with a note, and leave the ALTER waiting exactly as before.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase 'pgperf_locks'
    Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
    Invoke-TestSql -Database $db.Name @'
CREATE TABLE orders_under_alter (id bigint PRIMARY KEY, note text);
INSERT INTO orders_under_alter SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
CREATE TABLE orders_free (id bigint PRIMARY KEY, note text);
INSERT INTO orders_free SELECT g, repeat('y', 100) FROM generate_series(1, 5000) g;
ANALYZE;
'@ | Out-Null

    # A reader's transaction left open on $Table, and $Queued waiting behind it for ACCESS EXCLUSIVE on $Relation. The
    # situation is checked to be real: a plain size read of $Relation (ACCESS SHARE) now waits too.
    function Start-QueuedExclusiveLock([string] $Table, [string] $Queued, [string] $Relation) {
        $name = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $lock = [pscustomobject]@{ Holder = $null; Queued = $null; QueuedApplication = "queued_$name" }
        try {
            $lock.Holder = Start-TestSession "BEGIN; SELECT count(*) FROM $Table;" $db.Name "holder_$name"
            Wait-TestBackend "holder_$name" "state = 'idle in transaction'" $db.Name | Out-Null
            $lock.Queued = Start-TestSession $Queued $db.Name $lock.QueuedApplication
            Wait-TestBackend $lock.QueuedApplication "wait_event_type = 'Lock'" $db.Name | Out-Null
            Invoke-TestSql -Database $db.Name "SET lock_timeout = '300ms'; SELECT pg_relation_size('$Relation')" -AllowError |
                Should -Match 'lock timeout' -Because "a plain size read of $Relation queues behind: $Queued"
        } catch {
            Stop-TestSession $lock.Holder, $lock.Queued
            throw
        }
        $lock
    }
}

AfterAll {
    Remove-TestDatabase $script:db
}

Describe 'Monitoring and a queued ACCESS EXCLUSIVE lock' -Tag 'Health', 'Operations', 'Integration' {
    It 'finishes every step, notes the locked table, and leaves the waiting ALTER TABLE as it was' {
        $lock = Start-QueuedExclusiveLock 'orders_under_alter' 'ALTER TABLE orders_under_alter ADD COLUMN flagged boolean;' 'orders_under_alter'
        $job = $null
        try {
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
            Wait-TestBackend $lock.QueuedApplication "wait_event_type = 'Lock'" $db.Name | Out-Null
            Stop-TestSession $lock.Holder; $lock.Holder = $null
            $deadline = (Get-Date).AddSeconds(20)
            while (-not (Invoke-TestSql -Database $db.Name "SELECT 1 FROM pg_attribute WHERE attrelid = 'orders_under_alter'::regclass AND attname = 'flagged'") -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Invoke-TestSql -Database $db.Name "SELECT 1 FROM pg_attribute WHERE attrelid = 'orders_under_alter'::regclass AND attname = 'flagged'" | Should -Be '1'
        } finally {
            # Ending the sessions first frees a job that did hang, so it can be removed.
            Stop-TestSession $lock.Holder, $lock.Queued
            if ($job) { Wait-Job $job -Timeout 60 | Out-Null; Remove-Job $job -Force }
        }
    }

    It 'Get-PgIndexBloat and Invoke-PgHealthCheck size an index with a REINDEX queued from the catalog instead of waiting' {
        # The reader's transaction holds ACCESS SHARE on the table's indexes too; REINDEX INDEX queues for ACCESS EXCLUSIVE.
        $lock = Start-QueuedExclusiveLock 'orders_free' 'REINDEX INDEX orders_free_pkey;' 'orders_free_pkey'
        $job = $null
        try {
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
            Wait-TestBackend $lock.QueuedApplication "wait_event_type = 'Lock'" $db.Name | Out-Null
        } finally {
            Stop-TestSession $lock.Holder, $lock.Queued
            if ($job) { Wait-Job $job -Timeout 60 | Out-Null; Remove-Job $job -Force }
        }
    }
}
