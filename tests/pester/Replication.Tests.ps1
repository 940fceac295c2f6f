# Get-PgReplicationStatus against a real streaming standby: a LOCAL primary of its own (whatever server the rest
# of the suite uses) with a pg_basebackup -R standby on another port, both removed at the end. Every read runs as
# a login in pgperf_monitor (pg_monitor), not as a superuser.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:skipReason = Get-PgPerfTestStandbySkipReason
    if ($script:skipReason) { Write-Warning "Replication tests skipped: $script:skipReason" }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    # Runs SQL as the superuser on the given server (primary or standby) through psql; returns the rows as text.
    function Invoke-NodeSql([object] $Node, [string] $Sql) {
        $env:PGPASSWORD = $Node.Password
        try {
            $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $Node.Port -U $Node.User -d postgres -c $Sql 2>&1
            if ($LASTEXITCODE -ne 0) { throw "psql on port $($Node.Port) failed: $out" }
            $out
        } finally { Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue }
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30, [string] $What = 'the condition') {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "Timed out after $Seconds s waiting for $What."
    }

    # Writes WAL on the primary; returns how many bytes its position moved.
    function Write-Wal([int] $Rows = 20000) {
        [long](Invoke-NodeSql $primary @"
CREATE TEMP TABLE lsn AS SELECT pg_current_wal_lsn() AS l;
INSERT INTO repl_load SELECT g, repeat('w', 200) FROM generate_series(1, $Rows) g;
SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), (SELECT l FROM lsn));
"@ | Select-Object -Last 1)
    }

    if (Get-PgPerfTestStandbySkipReason) { return }
    $script:primary = Start-PgPerfTestServer -Server Local
    $script:slot = 'pgperf_sb_' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $script:standby = Start-PgPerfTestStandby -Primary $primary -SlotName $slot
    Invoke-NodeSql $primary 'CREATE TABLE repl_load (id int, note text)' | Out-Null
    # Install-PgPerfSchema creates pgperf_monitor (a member of pg_monitor); the login replicates to the standby.
    Install-PgPerfSchema -Connection $primary.ConnectionString | Out-Null
    $password = New-TestPassword
    Invoke-NodeSql $primary "CREATE ROLE repl_monitor LOGIN PASSWORD '$password' IN ROLE pgperf_monitor" | Out-Null
    Invoke-NodeSql $primary "SELECT rolsuper FROM pg_roles WHERE rolname = 'repl_monitor'" | Should -Be 'f'
    $script:onPrimary = "Host=127.0.0.1;Port=$($primary.Port);Username=repl_monitor;Password=$password;Database=postgres"
    $script:onStandby = "Host=127.0.0.1;Port=$($standby.Port);Username=repl_monitor;Password=$password;Database=postgres"
    Wait-Until { (Invoke-NodeSql $standby "SELECT count(*) FROM pg_roles WHERE rolname = 'repl_monitor'") -eq '1' } -What 'the login on the standby'
}

AfterAll {
    if ($script:primary) { Stop-PgPerfTestServer $script:primary }
}

Describe 'Get-PgReplicationStatus on a primary with a streaming standby' -Tag 'Replication', 'Integration' -Skip:([bool]$script:skipReason) {
    It 'reports the standby with its slot, and its replay lag while replay is paused; no lag once it caught up' {
        Invoke-NodeSql $standby 'SELECT pg_wal_replay_pause()' | Out-Null
        try {
            $written = Write-Wal
            # Received and flushed on the standby, not replayed.
            Wait-Until { (Invoke-NodeSql $primary 'SELECT flush_lsn = pg_current_wal_lsn() FROM pg_stat_replication') -eq 't' } -What 'the standby to receive the WAL'
            $rows = @(Get-PgReplicationStatus -Connection $onPrimary -Kind Standby)
            $rows.Count | Should -Be 1
            $s = $rows[0]
            $s | Should -BeOfType PgPerf.PgReplicationStandby
            $s.State | Should -Be 'streaming'
            $s.SyncState | Should -Be 'async'
            $s.SlotName | Should -Be $slot
            $s.ClientAddress | Should -BeNullOrEmpty -Because 'the standby connects through the Unix socket'
            $s.Pid | Should -BeGreaterThan 0
            # The walsender's start as the server has it, to the millisecond, and in UTC.
            $s.BackendStart.Offset | Should -Be ([TimeSpan]::Zero)
            $s.BackendStart.ToUnixTimeMilliseconds() | Should -Be ([long](Invoke-NodeSql $primary 'SELECT floor(extract(epoch FROM backend_start) * 1000)::bigint FROM pg_stat_replication'))
            $s.SentLsn | Should -Not -BeNullOrEmpty -Because 'pg_monitor may see the LSNs'
            $s.ReplayLagBytes | Should -BeGreaterOrEqual $written
            $s.Status | Should -Be 'Ok' -Because "$written bytes are under the default 128 MB and no replay_lag yet: $($s.Reason)"
            $tight = Get-PgReplicationStatus -Connection $onPrimary -Kind Standby -LagWarningMB 0.1 -LagCriticalMB 1000
            $tight.Status | Should -Be 'Warning'
            $tight.Reason | Should -Match 'replay lag'
            (Get-PgReplicationStatus -Connection $onPrimary -Kind Standby -LagWarningMB 0.01 -LagCriticalMB 0.1).Status | Should -Be 'Critical'
        } finally {
            Invoke-NodeSql $standby 'SELECT pg_wal_replay_resume()' | Out-Null
        }
        Wait-Until { (Invoke-NodeSql $primary 'SELECT replay_lsn = pg_current_wal_lsn() FROM pg_stat_replication') -eq 't' } -What 'the standby to replay'
        $caughtUp = Get-PgReplicationStatus -Connection $onPrimary -Kind Standby
        $caughtUp.ReplayLagBytes | Should -Be 0
        $caughtUp.Status | Should -Be 'Ok'
    }

    It 'reports the standby''s slot as active and keeping (almost) nothing' {
        $slotRow = Get-PgReplicationStatus -Connection $onPrimary -Kind Slot | Where-Object SlotName -eq $slot
        $slotRow | Should -BeOfType PgPerf.PgReplicationSlot
        $slotRow.SlotType | Should -Be 'physical'
        $slotRow.Active | Should -BeTrue
        $slotRow.WalStatus | Should -Be 'reserved'
        $slotRow.Status | Should -Be 'Ok'
        # A primary has no receiver row.
        Get-PgReplicationStatus -Connection $onPrimary -Kind Receiver | Should -BeNullOrEmpty
    }

    It 'flags an inactive slot while WAL is written: RetainedWalBytes grows; Critical past -SlotCriticalMB' {
        $idle = 'pgperf_idle_' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        Invoke-NodeSql $primary "SELECT pg_create_physical_replication_slot('$idle', true)" | Out-Null
        try {
            $before = Get-PgReplicationStatus -Connection $onPrimary -Kind Slot | Where-Object SlotName -eq $idle
            $before.Active | Should -BeFalse
            $before.Status | Should -Be 'Warning'
            $before.Reason | Should -Match 'inactive slot keeps'
            $written = Write-Wal 40000
            $after = Get-PgReplicationStatus -Connection $onPrimary -Kind Slot | Where-Object SlotName -eq $idle
            ($after.RetainedWalBytes - $before.RetainedWalBytes) | Should -BeGreaterOrEqual $written
            $after.Status | Should -Be 'Warning'
            $critical = Get-PgReplicationStatus -Connection $onPrimary -Kind Slot -SlotCriticalMB ($after.RetainedWalBytes / 1MB / 2) | Where-Object SlotName -eq $idle
            $critical.Status | Should -Be 'Critical'
            $critical.Reason | Should -Match 'critical at'
            # The standby's slot is active and keeps little: not flagged.
            (Get-PgReplicationStatus -Connection $onPrimary -Kind Slot | Where-Object SlotName -eq $slot).Status | Should -Be 'Ok'
        } finally {
            Invoke-NodeSql $primary "SELECT pg_drop_replication_slot('$idle')" | Out-Null
        }
    }

    It 'on the standby itself: its own receive and replay lag, paused replay flagged' {
        Write-Wal 100 | Out-Null
        # The primary writes WAL on its own now and then (autoanalyze after Write-Wal, standby snapshots), so the idle
        # reading is taken at a quiet moment, judged by the servers alone: the standby had replayed all the primary's
        # WAL before the cmdlet read, and the primary wrote none until after it. The last replay time then stands still.
        $replayedMs = 'SELECT floor(extract(epoch FROM pg_last_xact_replay_timestamp()) * 1000)::bigint'
        Wait-Until {
            $lsn = Invoke-NodeSql $primary 'SELECT pg_current_wal_lsn()'
            if ((Invoke-NodeSql $standby "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn") -ne 't') { return $false }
            $script:replayedBefore = [long](Invoke-NodeSql $standby $replayedMs)
            $script:idle = Get-PgReplicationStatus -Connection $onStandby
            $script:replayedAfter = [long](Invoke-NodeSql $standby $replayedMs)
            (Invoke-NodeSql $primary 'SELECT pg_current_wal_lsn()') -eq $lsn
        } -What 'a quiet moment: the standby replayed all WAL, and the primary wrote none while the cmdlet read'
        @($idle).Count | Should -Be 1 -Because 'a standby without standbys or slots of its own has only its receiver row'
        $idle | Should -BeOfType PgPerf.PgReplicationReceiver
        $idle.State | Should -Be 'streaming'
        $idle.ReplayLagBytes | Should -Be 0
        $idle.ReplayLagSeconds | Should -Be 0
        $idle.SenderPort | Should -Be $primary.Port
        $idle.SlotName | Should -Be $slot
        $idle.LastReplayedAt.Offset | Should -Be ([TimeSpan]::Zero)
        $idle.LastReplayedAt.ToUnixTimeMilliseconds() | Should -BeGreaterOrEqual $replayedBefore
        $idle.LastReplayedAt.ToUnixTimeMilliseconds() | Should -BeLessOrEqual $replayedAfter
        $idle.Status | Should -Be 'Ok'

        Start-Sleep -Milliseconds 1500   # so the last replayed transaction is measurably old
        Invoke-NodeSql $standby 'SELECT pg_wal_replay_pause()' | Out-Null
        try {
            $written = Write-Wal
            Wait-Until { (Invoke-NodeSql $primary 'SELECT flush_lsn = pg_current_wal_lsn() FROM pg_stat_replication') -eq 't' } -What 'the standby to receive the WAL'
            $r = Get-PgReplicationStatus -Connection $onStandby -Kind Receiver
            $r.ReplayPaused | Should -BeTrue
            $r.ReplayLagBytes | Should -BeGreaterOrEqual $written
            $r.ReplayLagSeconds | Should -BeGreaterOrEqual 1.5
            $r.ReceiveLagBytes | Should -BeLessThan $written -Because 'everything was received'
            $r.Status | Should -Be 'Warning'
            $r.Reason | Should -Match 'paused'
            $lagging = Get-PgReplicationStatus -Connection $onStandby -Kind Receiver -LagWarningSeconds 0.5 -LagCriticalSeconds 1
            $lagging.Status | Should -Be 'Critical'
            $lagging.Reason | Should -Match 'behind its primary'
        } finally {
            Invoke-NodeSql $standby 'SELECT pg_wal_replay_resume()' | Out-Null
        }
    }

    It 'reports a stopped standby as disconnected and Critical, its slot inactive and growing' {
        Stop-PgPerfTestStandby $standby
        Wait-Until { (Invoke-NodeSql $primary 'SELECT count(*) FROM pg_stat_replication') -eq '0' } -What 'the walsender to exit'
        $gone = Get-PgReplicationStatus -Connection $onPrimary -Kind Standby
        @($gone).Count | Should -Be 1
        $gone.State | Should -Be 'disconnected'
        $gone.SlotName | Should -Be $slot
        $gone.Pid | Should -Be 0
        $gone.Status | Should -Be 'Critical'
        $gone.Reason | Should -Match "physical slot $slot"
        $first = $gone.ReplayLagBytes
        $written = Write-Wal
        $later = Get-PgReplicationStatus -Connection $onPrimary
        ($later | Where-Object Kind -eq 'Standby').ReplayLagBytes | Should -BeGreaterOrEqual ($first + $written)
        $slotRow = $later | Where-Object { $_.Kind -eq 'Slot' -and $_.SlotName -eq $slot }
        $slotRow.Active | Should -BeFalse
        $slotRow.RetainedWalBytes | Should -BeGreaterOrEqual ($first + $written)
        $slotRow.Status | Should -Be 'Warning'
    }

    It 'Invoke-PgHealthCheck and the hourly job: replication_lag and inactive_slot alerts open while the standby is stopped and resolve once it streams again' {
        $checks = Invoke-PgHealthCheck -Connection $onPrimary -Check replication_lag, inactive_slot
        $lag = $checks | Where-Object Check -eq 'replication_lag'
        $lag.Status | Should -Be 'Critical'
        $lag.Target | Should -Be "standby slot $slot"
        $lag.Unit | Should -Be 'bytes'
        $lag.Value | Should -BeGreaterThan 0
        $inactive = $checks | Where-Object Check -eq 'inactive_slot'
        $inactive.Status | Should -Be 'Warning'
        $inactive.Target | Should -Be "slot $slot"
        (Invoke-PgHealthCheck -Connection $onPrimary -Check inactive_slot -SlotCriticalMB 0.001).Status | Should -Be 'Critical'

        $job = Invoke-PgHourlyMonitoring -Connection $onPrimary -ErrorAction SilentlyContinue
        # Each check's alerts are applied on their own (another check failing does not stop them).
        ($job.Steps | Where-Object Name -eq 'health alerts').Message | Should -Match 'replication_lag 1, inactive_slot 1'
        $open = Get-PgPerfAlert -Connection $onPrimary -Open | Where-Object Type -in 'replication_lag', 'inactive_slot'
        @($open).Count | Should -Be 2
        ($open | Where-Object Type -eq 'replication_lag').DedupKey | Should -Be "replication_lag:$slot"
        "$(($open | Where-Object Type -eq 'replication_lag').Severity)" | Should -Be 'Critical'
        ($open | Where-Object Type -eq 'inactive_slot').DedupKey | Should -Be "inactive_slot:$slot"

        # A second run keeps the same two alerts (deduplicated) ...
        Invoke-PgHourlyMonitoring -Connection $onPrimary -ErrorAction SilentlyContinue | Out-Null
        @(Get-PgPerfAlert -Connection $onPrimary -Open | Where-Object Type -in 'replication_lag', 'inactive_slot').Count | Should -Be 2
        # ... and once the standby streams again, the next run resolves both.
        Resume-PgPerfTestStandby $standby
        Wait-Until { (Invoke-NodeSql $primary 'SELECT replay_lsn = pg_current_wal_lsn() FROM pg_stat_replication') -eq 't' } -What 'the standby to catch up'
        Invoke-PgHourlyMonitoring -Connection $onPrimary -ErrorAction SilentlyContinue | Out-Null
        Get-PgPerfAlert -Connection $onPrimary -Open | Where-Object Type -in 'replication_lag', 'inactive_slot' | Should -BeNullOrEmpty
        @(Get-PgPerfAlert -Connection $onPrimary | Where-Object Type -in 'replication_lag', 'inactive_slot').Count | Should -Be 2
        (Invoke-PgHealthCheck -Connection $onPrimary -Check replication_lag).Status | Should -Be 'Ok'
    }

    It 'rejects a warning threshold above its critical one' {
        { Get-PgReplicationStatus -Connection $onPrimary -LagWarningSeconds 600 -LagCriticalSeconds 60 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Replication.InvalidThreshold,*'
    }
}
