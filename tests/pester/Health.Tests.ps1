# The server right now (issue 15): real sessions, locks and sequences on the throwaway server; logins that are
# only pg_monitor / pgperf_monitor; Stop-PgSession's safety; Invoke-PgHealthCheck as a scheduled command.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:db = New-TestDatabase 'pgperf_health'
    Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
    $script:bare = New-TestDatabase 'pgperf_health_bare'     # never gets the pgperf schema
    foreach ($d in $script:db, $script:bare) {
        Invoke-TestSql -Database $d.Name @'
CREATE TABLE accounts (id serial PRIMARY KEY, balance int);
INSERT INTO accounts (balance) SELECT g FROM generate_series(1, 100) g;
CREATE TABLE invoices (id int GENERATED ALWAYS AS IDENTITY, total int);
SELECT setval(pg_get_serial_sequence('invoices', 'id'), 2100000000);
'@ | Out-Null
    }

    function New-Login([string] $Kind, [string] $InRole) {
        $name = "pgperf_h_${Kind}_$script:suffix"
        $password = New-TestPassword
        Invoke-TestSql "CREATE ROLE $name LOGIN PASSWORD '$password' IN ROLE $InRole" | Out-Null
        [pscustomobject]@{ Name = $name; Password = $password }
    }
    function Get-LoginConnection([object] $Login, [object] $Database) {
        $Database.ConnectionString -replace 'Username=[^;]*', "Username=$($Login.Name)" -replace 'Password=[^;]*', "Password=$($Login.Password)"
    }
    $script:pgMonitor = New-Login 'pgm' 'pg_monitor'
    $script:perfMonitor = New-Login 'ppm' 'pgperf_monitor'

    # Sessions left running in the background (TestHelpers.ps1), stopped by id in AfterAll.
    $script:started = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
    function Start-Session([string] $Sql, [object] $Database = $script:db, [string] $Application = 'health-test') {
        $process = Start-TestSession $Sql $Database.Name $Application
        $script:started.Add($process)
        $process
    }
    function Wait-Backend([string] $Application, [string] $Condition, [object] $Database = $script:db) { Wait-TestBackend $Application $Condition $Database.Name }
    function Test-Backend([int] $BackendPid) { [bool](Invoke-TestSql "SELECT 1 FROM pg_stat_activity WHERE pid = $BackendPid") }
}

AfterAll {
    Stop-TestSession $script:started
    Remove-TestDatabase $script:db
    Remove-TestDatabase $script:bare
    Invoke-TestSql "DROP ROLE IF EXISTS pgperf_h_pgm_$script:suffix, pgperf_h_ppm_$script:suffix" | Out-Null
}

Describe 'Get-PgBlocking and Stop-PgSession' -Tag 'Health', 'Integration' {
    It 'shows a holder and two sessions waiting behind it; -WhatIf stops nothing; piped, the holder is terminated once' {
        $holder = $w1 = $w2 = $null
        try {
            $holder = Start-Session 'BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;' -Application "holder_$script:suffix"
            $holderPid = Wait-Backend "holder_$script:suffix" "state = 'idle in transaction'"
            $w1 = Start-Session 'SELECT count(*) FROM accounts;' -Application "waiter_$script:suffix"
            $w2 = Start-Session 'UPDATE accounts SET balance = 0 WHERE id = 1;' -Application "waiter_$script:suffix"
            $deadline = (Get-Date).AddSeconds(20)
            while (@(Get-PgBlocking -Connection $db.ConnectionString | Where-Object Database -eq $db.Name).Count -lt 2 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }

            $rows = @(Get-PgBlocking -Connection $db.ConnectionString | Where-Object Database -eq $db.Name)
            $rows.Count | Should -Be 2
            $rows.BlockingPid | Should -Be @($holderPid, $holderPid)
            $rows.RootBlockingPid | Should -Be @($holderPid, $holderPid)
            $rows.BlockingState | Should -Be @('idle in transaction', 'idle in transaction')
            ($rows.LockMode | Sort-Object) | Should -Be @('AccessShareLock', 'RowExclusiveLock')
            $rows.Relation | Should -Be @('accounts', 'accounts')
            $rows[0].BlockingQuery | Should -Match 'LOCK TABLE accounts'

            $activity = @(Get-PgActivity -Connection $db.ConnectionString | Where-Object Pid -eq $holderPid)
            $activity.State | Should -Be 'idle in transaction'

            # -WhatIf writes to the host: a transcript catches it.
            $transcript = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-health-whatif-$script:suffix.txt"
            Start-Transcript -Path $transcript | Out-Null
            try { $whatIfOutput = @($rows | Stop-PgSession -Terminate -WhatIf) } finally { Stop-Transcript | Out-Null }
            $whatIfOutput.Count | Should -Be 0
            Get-Content $transcript -Raw | Should -Match "What if: .*SELECT pg_terminate_backend\($holderPid\).*idle in transaction: LOCK TABLE accounts"
            Remove-Item $transcript
            Test-Backend $holderPid | Should -BeTrue

            $stopped = @($rows | Stop-PgSession -Terminate -Confirm:$false)
            $stopped.Count | Should -Be 1                 # two rows named the same blocker
            $stopped[0].Pid | Should -Be $holderPid
            $stopped[0].Action | Should -Be 'Terminate'
            $stopped[0].Signalled | Should -BeTrue
            $stopped[0].State | Should -Be 'idle in transaction'
            $deadline = (Get-Date).AddSeconds(20)
            while (@(Get-PgBlocking -Connection $db.ConnectionString | Where-Object Database -eq $db.Name).Count -gt 0 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @(Get-PgBlocking -Connection $db.ConnectionString | Where-Object Database -eq $db.Name).Count | Should -Be 0
        } finally {
            # A failed assertion must not leave the lock behind for the next tests.
            foreach ($p in $holder, $w1, $w2) { if ($p -and -not $p.HasExited) { $p.Kill($true) } }
        }
    }

    It 'terminates idle-in-transaction sessions piped from Get-PgActivity' {
        $null = Start-Session 'BEGIN; SELECT 1;' -Application "idle_$script:suffix"
        $idlePid = Wait-Backend "idle_$script:suffix" "state = 'idle in transaction'"
        $found = @(Get-PgActivity -Connection $db.ConnectionString -State 'idle in transaction' | Where-Object Application -eq "idle_$script:suffix")
        $found.Pid | Should -Be $idlePid
        $found[0].XactStart | Should -Not -BeNullOrEmpty
        $found | Stop-PgSession -Terminate -Confirm:$false | Select-Object -ExpandProperty Pid | Should -Be $idlePid
        $deadline = (Get-Date).AddSeconds(10)
        while ((Test-Backend $idlePid) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Test-Backend $idlePid | Should -BeFalse
    }

    It 'refuses PgPerf''s own session, asks before acting, and names the missing pid' {
        $command = Get-Command Stop-PgSession
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
        $attribute.SupportsShouldProcess | Should -BeTrue

        Get-PgActivity -Connection $db.ConnectionString | Out-Null
        $own = [int]@(Invoke-TestSql "SELECT pid FROM pg_stat_activity WHERE datname = '$($db.Name)' AND application_name = 'PgPerf' AND usename = '$(Get-TestConnectionPart 'Username')'")[0]
        Get-PgActivity -Connection $db.ConnectionString -IncludeIdle | Where-Object Pid -eq $own | Should -BeNullOrEmpty
        Stop-PgSession -Connection $db.ConnectionString -Pid $own -Terminate -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Session.OwnSession*'
        Test-Backend $own | Should -BeTrue

        Stop-PgSession -Connection $db.ConnectionString -Pid 2147483000 -Confirm:$false -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Session.NotFound*'
        $missing[0].Exception.Message | Should -Match 'Get-PgActivity'
    }
}

Describe 'Least privilege: a login that is only pg_monitor or pgperf_monitor' -Tag 'Health', 'Security', 'Integration' {
    It 'runs every read and every check as pg_monitor without the pgperf schema' {
        $cs = Get-LoginConnection $script:pgMonitor $script:bare
        Invoke-TestSql "SELECT rolsuper FROM pg_roles WHERE rolname = '$($script:pgMonitor.Name)'" | Should -Be 'f'
        $null = Start-Session 'BEGIN; SELECT 1;' -Database $script:bare -Application "seen_$script:suffix"
        $seenPid = Wait-Backend "seen_$script:suffix" "state = 'idle in transaction'" -Database $script:bare

        $activity = @(Get-PgActivity -Connection $cs -ErrorAction Stop | Where-Object Pid -eq $seenPid)
        $activity.Query | Should -Be 'SELECT 1;'          # another user's query: needs pg_read_all_stats, part of pg_monitor
        { Get-PgBlocking -Connection $cs -ErrorAction Stop } | Should -Not -Throw
        $wrap = @(Get-PgWraparoundRisk -Connection $cs -ErrorAction Stop)
        ($wrap | Where-Object { $_.Scope -eq 'Database' -and $_.Database -eq $script:bare.Name }).XidAge | Should -BeGreaterThan 0
        $vacuum = @(Get-PgVacuumHealth -Connection $cs -ErrorAction Stop)
        $vacuum.Table | Should -Contain 'accounts'

        # Without the schema this login cannot read the application's sequences: flagged, not hidden.
        $sequences = @(Get-PgSequenceRisk -Connection $cs -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop)
        $invoices = $sequences | Where-Object Table -eq 'invoices'
        $invoices.Flags | Should -Contain 'NoAccess'
        $invoices.PercentUsed | Should -BeNullOrEmpty
        $invoices.Status | Should -Be 'Warning'
        "$warned" | Should -Match 'Install-PgPerfSchema'

        $checks = @(Invoke-PgHealthCheck -Connection $cs -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed | Should -BeNullOrEmpty
        $checks.Check | Should -Be @('connections', 'cache_hit', 'blocking', 'long_transaction', 'wraparound', 'sequences', 'vacuum', 'replication_lag', 'inactive_slot', 'index_bloat')
        ($checks | Where-Object Check -eq 'sequences').Detail | Should -Match 'cannot read the last value'

        # Signalling another user's session needs pg_signal_backend, which pg_monitor does not have.
        Stop-PgSession -Connection $cs -Pid $seenPid -Confirm:$false -ErrorVariable denied -ErrorAction SilentlyContinue
        $denied[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Session.PermissionDenied*'
        $denied[0].Exception.Message | Should -Match 'pg_signal_backend'
        Test-Backend $seenPid | Should -BeTrue
    }

    It 'reads every sequence as pgperf_monitor through the schema''s function, and runs the hourly alerts' {
        $cs = Get-LoginConnection $script:perfMonitor $script:db
        $invoices = Get-PgSequenceRisk -Connection $cs -WarningVariable warned -ErrorAction Stop | Where-Object Table -eq 'invoices'
        $warned | Should -BeNullOrEmpty
        $invoices.LastValue | Should -Be 2100000000
        $invoices.Status | Should -Be 'Critical'
        $invoices.Usage | Should -Be 'Identity'

        $job = Invoke-PgHourlyMonitoring -Connection $cs -ErrorAction SilentlyContinue
        ($job.Steps | Where-Object Name -eq 'health alerts').Status | Should -Be 'Succeeded'
        $alert = Get-PgPerfAlert -Connection $cs -Type sequence_exhaustion -Open
        $alert.Subject | Should -Be 'public.invoices_id_seq'
        "$($alert.Severity)" | Should -Be 'Critical'
    }
}

Describe 'Invoke-PgHealthCheck' -Tag 'Health', 'Integration' {
    It 'returns one row per check and takes each threshold as a parameter' {
        $rows = @(Invoke-PgHealthCheck -Connection $db.ConnectionString)
        $rows.Check | Should -Be @('connections', 'cache_hit', 'blocking', 'long_transaction', 'wraparound', 'sequences', 'vacuum', 'replication_lag', 'inactive_slot', 'index_bloat')
        $sequences = $rows | Where-Object Check -eq 'sequences'
        $sequences.Status | Should -Be 'Critical'
        $sequences.Target | Should -Be 'public.invoices_id_seq'
        $sequences.Threshold | Should -Be 'SequenceWarningPercent 75, SequenceCriticalPercent 90'
        $sequences.Value | Should -BeGreaterThan 97.7
        $sequences.Value | Should -BeLessThan 97.8

        $relaxed = Invoke-PgHealthCheck -Connection $db.ConnectionString -Check sequences -SequenceWarningPercent 98 -SequenceCriticalPercent 99
        $relaxed.Status | Should -Be 'Ok'
        $relaxed.Threshold | Should -Be 'SequenceWarningPercent 98, SequenceCriticalPercent 99'
        { Invoke-PgHealthCheck -Connection $db.ConnectionString -SequenceWarningPercent 101 } | Should -Throw
        (Get-Command Invoke-PgHealthCheck).Parameters.Keys | Should -Contain 'BlockingCriticalSeconds'

        $bad = $null
        try { Invoke-PgHealthCheck -Connection $db.ConnectionString -Check nonsense } catch { $bad = $_ }
        $bad.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Health.UnknownCheck*'
        $bad.Exception.Message | Should -Match 'The checks are: connections, cache_hit'
    }

    It 'makes pwsh -Command exit with 1 on Critical with -FailOnCritical, and 0 when all is well' {
        $exe = [Environment]::ProcessPath
        $pre = @(); if ((Split-Path $exe -Leaf) -like 'dotnet*') { $pre += [System.Reflection.Assembly]::GetEntryAssembly().Location }
        $import = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$script:ModulePath'; "
        $critical = & $exe @pre -NoProfile -NonInteractive -Command ($import + "Invoke-PgHealthCheck -Connection '$($db.ConnectionString)' -FailOnCritical | ForEach-Object { `$_.Check + '=' + `$_.Status }") 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 1
        $critical | Should -Match 'sequences=Critical'
        $critical | Should -Match 'vacuum=Ok'          # every row is written before the error
        $critical | Should -Match 'PgPerf.Health.Critical|sequences is Critical'
        $fine = & $exe @pre -NoProfile -NonInteractive -Command ($import + "Invoke-PgHealthCheck -Connection '$($db.ConnectionString)' -Check connections, blocking -FailOnCritical | ForEach-Object { `$_.Check + '=' + `$_.Status }") 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $fine | Should -Match 'connections=Ok'
    }
}
