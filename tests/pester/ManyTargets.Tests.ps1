# Several targets per call (issue 17): -Connection with many values or from the pipeline, one error per failed
# target, -ThrottleLimit, progress, and the exit code of a scheduled-style run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:dbA = New-TestDatabase 'pgperf_many'
    $script:dbB = New-TestDatabase 'pgperf_many'
    $script:broken = New-TestDatabase 'pgperf_many'
    # Each database has a table of its own, so a row that names the wrong server shows.
    Invoke-TestSql -Database $dbA.Name 'CREATE TABLE only_in_a (id int primary key); INSERT INTO only_in_a SELECT generate_series(1, 100); ANALYZE only_in_a' | Out-Null
    Invoke-TestSql -Database $dbB.Name 'CREATE TABLE only_in_b (id int primary key); INSERT INTO only_in_b SELECT generate_series(1, 100); ANALYZE only_in_b' | Out-Null
    Install-PgPerfSchema -Connection $dbA.ConnectionString, $dbB.ConnectionString, $broken.ConnectionString | Out-Null
    # The daily job's retention and high-bloat steps write this table: renamed, they fail on this database only.
    Invoke-TestSql -Database $broken.Name 'ALTER TABLE pgperf.table_bloat_snapshots RENAME COLUMN captured_at TO taken_at' | Out-Null

    $script:a = $dbA.ConnectionString
    $script:b = $dbB.ConnectionString
    $script:closedPort = Get-FreeTcpPort
    # Nothing listens there: connecting fails at once.
    $script:unreachable = "Host=127.0.0.1;Port=$closedPort;Username=postgres;Timeout=3"
    $script:serverA = "127.0.0.1:$(Get-TestConnectionPart 'Port')/$($dbA.Name)"
    $script:serverB = "127.0.0.1:$(Get-TestConnectionPart 'Port')/$($dbB.Name)"

    # Each own table with the server its row says it came from.
    function Get-OwnTable([object[]] $Rows) {
        @($Rows | Where-Object Table -like 'only_in_*' | ForEach-Object { "$($_.Table)@$($_.Server)" } | Sort-Object)
    }
}
AfterAll {
    Remove-TestDatabase $script:dbA
    Remove-TestDatabase $script:dbB
    Remove-TestDatabase $script:broken
}

Describe 'Several targets per call' -Tag 'Integration', 'ManyTargets' {
    It 'answers for every reachable target and writes one error naming the unreachable one' {
        $rows = Get-PgVacuumHealth -Connection $a, $unreachable, $b -ErrorVariable errs -ErrorAction SilentlyContinue
        Get-OwnTable $rows | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")
        @($rows | Where-Object { -not $_.Server }).Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.Failed,*'
        $errs[0].Exception.Message | Should -Match "127\.0\.0\.1:$closedPort"
        $errs[0].TargetObject | Should -BeOfType ([PgPerf.PgConnectionInfo])
        $errs[0].TargetObject.Port | Should -Be $closedPort
    }

    It 'gives the same rows with -ThrottleLimit 1 (in target order) and -ThrottleLimit 8' {
        $one = Get-PgVacuumHealth -Connection $b, $a -ThrottleLimit 1
        $eight = Get-PgVacuumHealth -Connection $b, $a -ThrottleLimit 8
        $key = { "$($_.Schema).$($_.Table)@$($_.Server)" }
        @($eight | ForEach-Object $key | Sort-Object) | Should -Be @($one | ForEach-Object $key | Sort-Object)
        Get-OwnTable $eight | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")
        # One at a time, the targets answer in the order given: every row of B before any row of A.
        [string[]] $servers = $one.Server
        [array]::IndexOf($servers, $serverA) | Should -BeGreaterThan ([array]::LastIndexOf($servers, $serverB))
    }

    It 'takes targets from the pipeline: strings, Connect-PgServer objects, and Import-Csv rows' {
        Get-OwnTable ($a, $b | Get-PgVacuumHealth) | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")

        $infoA = Connect-PgServer -ConnectionString $a -PassThru
        Get-OwnTable ($infoA, $b | Get-PgVacuumHealth) | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")
        Get-OwnTable (Get-PgVacuumHealth -Connection $infoA, $b) | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")

        $csv = Join-Path $TestDrive 'servers.csv'
        @([pscustomobject]@{ Name = 'a'; Connection = $a }, [pscustomobject]@{ Name = 'down'; Connection = $unreachable }, [pscustomobject]@{ Name = 'b'; Connection = $b }) |
            Export-Csv -Path $csv
        $rows = Import-Csv $csv | Get-PgVacuumHealth -ErrorVariable errs -ErrorAction SilentlyContinue
        Get-OwnTable $rows | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")
        $errs.Count | Should -Be 1
        $errs[0].TargetObject.Port | Should -Be $closedPort
    }

    It 'sends rows of many servers on to the server each row came from' {
        # Get-PgTableBloat binds Table, Schema and Connection from each row: a row of B must be measured on B.
        $rows = Get-PgVacuumHealth -Connection $a, $b | Where-Object Table -like 'only_in_*' | Get-PgTableBloat
        Get-OwnTable $rows | Should -Be @("only_in_a@$serverA", "only_in_b@$serverB")
    }

    It 'refuses several targets for a cmdlet that works on one server per call' {
        $err = { Stop-PgSession -Pid 1 -Connection $a, $b -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.SingleTarget,*'
        $err.Exception.Message | Should -Match 'Stop-PgSession works on one server'
        # Targets alone from the pipeline are several targets too.
        $err = { $a, $b | Stop-PgSession -Pid 1 -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.SingleTarget,*'
    }

    It 'keeps a terminating error when the only target fails' {
        $err = { Get-PgVacuumHealth -Connection $unreachable } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.Failed,*'
    }

    It 'shows progress of the targets only when there are more than a few' {
        $run = {
            param([string[]] $Targets)
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$script:ModulePath'; Get-PgPerfSchema -Connection `$args[0]").AddArgument($Targets)
                $null = $ps.Invoke()
                @($ps.Streams.Progress | Where-Object Activity -like 'Get-PgPerfSchema on * servers')
            } finally { $ps.Dispose() }
        }
        # Four distinct targets (the application name makes a connection its own target).
        $four = 1..2 | ForEach-Object { "$a;Application Name=m$_"; "$b;Application Name=m$_" }
        $progress = @(& $run $four)
        $progress.Count | Should -BeGreaterThan 0
        $progress[0].Activity | Should -Be 'Get-PgPerfSchema on 4 servers'
        $progress[-1].RecordType | Should -Be 'Completed'
        @(& $run @($a, $b)).Count | Should -Be 0
    }
}

Describe 'Stopping a call over several targets' -Tag 'Integration', 'ManyTargets' {
    BeforeAll {
        # A session that holds a lock on A's table, so VACUUM of it waits until it is cancelled.
        $script:holder = Start-ThreadJob -ArgumentList $dbA.Name, (Get-TestConnectionPart 'Password'), (Get-TestConnectionPart 'Port') {
            param($database, $password, $port)
            $env:PGPASSWORD = $password
            & psql -X -q -h 127.0.0.1 -p $port -U postgres -d $database -c 'BEGIN' -c 'LOCK TABLE only_in_a' -c 'SELECT pg_sleep(300) /* pgperf-many-holder */' 2>&1
        }
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not (Invoke-TestSql "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pgperf-many-holder%' AND pid <> pg_backend_pid()") -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    }
    AfterAll {
        Invoke-TestSql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pgperf-many-holder%' AND pid <> pg_backend_pid()" | Out-Null
        $script:holder | Remove-Job -Force
    }

    It 'cancels the statements of every running target on Ctrl+C' {
        # Invoke-PgVacuum's statements on A (its size query, then VACUUM) wait for the lock.
        $waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = '$($dbA.Name)' AND wait_event_type = 'Lock'"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:ModulePath'; Invoke-PgVacuum -Table only_in_a -Connection `$args[0] -Confirm:`$false").AddArgument(@($a, $b))
            $null = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while ([int](Invoke-TestSql $waiting) -eq 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            [int](Invoke-TestSql $waiting) | Should -Be 1 -Because 'Invoke-PgVacuum waits for the lock on A'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        } finally { $ps.Dispose() }
        # The worker's statement is cancelled on the server; left running, it would wait as long as the lock is held.
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while ([int](Invoke-TestSql $waiting) -ne 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        [int](Invoke-TestSql $waiting) | Should -Be 0
    }
}

Describe 'Jobs over several targets' -Tag 'Integration', 'ManyTargets' {
    It 'returns a result per server and one StepFailed error naming the server whose steps failed' {
        $results = Invoke-PgDailyMaintenance -Connection $a, $broken.ConnectionString -ErrorVariable errs -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 2
        ($results | Where-Object Server -eq $serverA).Succeeded | Should -BeTrue
        ($results | Where-Object Server -like "*/$($broken.Name)").Succeeded | Should -BeFalse
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Job.StepFailed,*'
        $errs[0].Exception.Message | Should -Match ([regex]::Escape($broken.Name))
        $errs[0].Exception.Message | Should -Match 'retention'
        $errs[0].TargetObject.Database | Should -Be $broken.Name
    }

    It 'exits 1 from a scheduled-style pwsh -Command when one of two targets fails, and 0 when both pass' {
        $exe = [Environment]::ProcessPath
        $pwshArgs = @()
        if ((Split-Path $exe -Leaf) -like 'dotnet*') { $pwshArgs += [System.Reflection.Assembly]::GetEntryAssembly().Location }
        # The command line Register-PgPerfScheduledTask writes, with two targets.
        $command = { param($targets) "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$script:ModulePath'; Invoke-PgHourlyMonitoring -Connection $targets; if (-not `$?) { exit 1 }" }

        $output = & $exe @pwshArgs -NoProfile -NonInteractive -Command (& $command "'$a', '$unreachable'") 2>&1
        $LASTEXITCODE | Should -Be 1
        ($output | Out-String) | Should -Match "127\.0\.0\.1:$closedPort"
        ($output | Out-String) | Should -Match ([regex]::Escape($serverA))

        $null = & $exe @pwshArgs -NoProfile -NonInteractive -Command (& $command "'$a', '$b'") 2>&1
        $LASTEXITCODE | Should -Be 0
    }
}
