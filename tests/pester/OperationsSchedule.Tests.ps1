BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    $script:password = Get-TestConnectionPart 'Password'
    Install-PgPerfSchema -Connection $cs | Out-Null

    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-sched-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $work
    $script:passFile = Join-Path $work 'pgpass'
    # This session runs as 'dotnet pwsh'; scheduled entries need a real executable, so give them a small pwsh launcher.
    $script:pwsh = Join-Path $work 'pwsh'
    $launcher = @([Environment]::ProcessPath)
    if ((Split-Path $launcher[0] -Leaf) -like 'dotnet*') { $launcher += [System.Reflection.Assembly]::GetEntryAssembly().Location }
    Set-Content -Path $pwsh -Value ("#!/bin/sh`nexec " + (($launcher | ForEach-Object { "'$_'" }) -join ' ') + ' "$@"')
    chmod 755 $pwsh
}

AfterAll {
    Remove-TestDatabase $script:db
    if ($script:work) { Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue }
}

Describe 'Register-PgPerfScheduledTask: bad input' -Tag 'Unit' {
    It 'refuses -At 25:00 with PgPerf.Schedule.InvalidTime' {
        $err = { Register-PgPerfScheduledTask -Job Daily -At 25:00 -Connection $cs -PwshPath $pwsh -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.InvalidTime,*'
        $err.Exception.Message | Should -Match "'25:00'.*HH:mm"
    }

    It 'refuses -Repository with -Connection: both name the database the entry connects to' {
        $err = { Register-PgPerfScheduledTask -Job Hourly -Repository $cs -Connection $cs -PwshPath $pwsh -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.RepositoryWithConnection,*'
        $err.Exception.Message | Should -Match 'every server registered'
    }

    It 'refuses -At for the hourly job' {
        { Register-PgPerfScheduledTask -Job Hourly -At 03:00 -Connection $cs -PwshPath $pwsh -WhatIf } | Should -Throw -ErrorId 'PgPerf.Schedule.AtNotForHourly,*'
    }

    It 'refuses the dotnet host as -PwshPath and says what to pass' {
        $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $err = { Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron -Connection $cs -PwshPath $dotnet -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.PwshIsDotnet,*'
        $err.Exception.Message | Should -Match '-PwshPath'
    }

    It 'says Task Scheduler is Windows-only and names the alternatives' {
        $err = { Register-PgPerfScheduledTask -Job Hourly -Scheduler TaskScheduler -Connection $cs -PwshPath $pwsh -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.SchedulerUnavailable,*'
        $err.Exception.Message | Should -Match '-Scheduler Cron'
    }

    It 'names what is missing when systemd is not running' {
        if (Test-Path /run/systemd/system) {
            # systemd runs here: the same call renders the units instead.
            { Register-PgPerfScheduledTask -Job Hourly -Scheduler Systemd -Connection $cs -PwshPath $pwsh -WhatIf } | Should -Not -Throw
        } else {
            # -WhatIf still shows the units (issue 20), with a warning that says what is missing.
            Register-PgPerfScheduledTask -Job Hourly -Scheduler Systemd -Connection $cs -PwshPath $pwsh -WhatIf -WarningVariable w -WarningAction SilentlyContinue
            "$w" | Should -Match 'systemd is not running|systemctl'
            "$w" | Should -Match '-Scheduler Cron'
            $err = { Register-PgPerfScheduledTask -Job Hourly -Scheduler Systemd -Connection $cs -PwshPath $pwsh -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.SchedulerUnavailable,*'
        }
    }
}

BeforeDiscovery {
    # Tests never touch the real user's crontab: these edit the crontab of a throwaway user through the real
    # crontab program (crontab -u, which needs root). Installing cron and creating the user is .ci/run's job;
    # without them the tests are skipped and say why, never set up from here.
    $script:cronUser = 'pgperf-crontest'
    $script:noCronReason = if (-not (Get-Command crontab -CommandType Application -ErrorAction SilentlyContinue)) {
        'crontab is not on PATH (.ci/run installs cron)'
    } elseif ((& id -u) -ne '0') {
        "editing the throwaway user's crontab (crontab -u $cronUser) needs root, and this run is not root"
    } elseif (-not (& sh -c "id -u '$cronUser' 2>/dev/null")) {
        "the throwaway user $cronUser does not exist; create it as root with 'useradd --system --no-create-home --shell /usr/sbin/nologin $cronUser' (.ci/run does)"
    }
    if ($script:noCronReason) { Write-Warning "Skipping 'Scheduling with the real cron': $($script:noCronReason)." }
}

Describe 'Scheduling with the real cron' -Tag 'Integration', 'Schedule' -Skip:([bool]$script:noCronReason) {
    BeforeAll {
        $script:cronUser = 'pgperf-crontest'
        $script:savedPath = $null
        $script:cronLock = $null
        $script:realCrontab = $null
        # The scheduler runs 'crontab' from PATH: first on PATH here (and in the fresh sessions, which inherit it) is
        # a wrapper that runs the real crontab on the throwaway user's table. Pester runs in its own process, so
        # build.ps1's isolation check still reads the real user's crontab, which must be unchanged.
        $script:realCrontab = (Get-Command crontab -CommandType Application | Select-Object -First 1).Source
        $cronBin = Join-Path $work 'cron-bin'
        $null = New-Item -ItemType Directory -Path $cronBin
        Set-Content -Path (Join-Path $cronBin 'crontab') -Value "#!/bin/sh`nexec '$realCrontab' -u '$cronUser' `"`$@`""
        chmod 755 (Join-Path $cronBin 'crontab')
        $script:savedPath = $env:PATH
        $env:PATH = $cronBin + [IO.Path]::PathSeparator + $env:PATH
        (Get-Command crontab -CommandType Application | Select-Object -First 1).Source | Should -Be (Join-Path $cronBin 'crontab')

        # Test runs of other checkouts on this machine use the same throwaway user: one at a time (the lock is
        # released when this process ends, whatever happens).
        $lockPath = Join-Path ([IO.Path]::GetTempPath()) "$cronUser.lock"
        $deadline = [DateTime]::UtcNow.AddMinutes(10)
        while (-not $script:cronLock) {
            try { $script:cronLock = [IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
            catch [IO.IOException] {
                if ([DateTime]::UtcNow -gt $deadline) { throw "Another test run has held $lockPath for 10 minutes." }
                Start-Sleep -Seconds 2
            }
        }

        $script:foreign = '17 4 * * * /usr/bin/true # a job that is not PgPerf''s, 100\% kept'
        $script:foreign | crontab -
        Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) SELECT now() - interval '60 days', 'old', 1 FROM generate_series(1, 25)" | Out-Null
    }

    AfterAll {
        # The throwaway user's table, named explicitly: never the real user's, however far BeforeAll got.
        if ($script:realCrontab) { & $script:realCrontab -u $script:cronUser -r 2>$null }
        if ($script:savedPath) { $env:PATH = $script:savedPath }
        if ($script:cronLock) { $script:cronLock.Dispose() }
    }

    It '-WhatIf prints the crontab line and changes nothing' {
        $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
Register-PgPerfScheduledTask -Job Daily -At 03:30 -Scheduler Cron -Connection '$cs' -PwshPath '$pwsh' -ConnectionFile '$passFile' -WhatIf
"@
        $out.Output | Should -Match ([regex]::Escape("30 3 * * * '$pwsh' '-NoProfile' '-NonInteractive' '-Command'"))
        $out.Output | Should -Match '# pgperf-job:daily'
        $out.Output | Should -Match 'owner-only, mode 0600'
        $out.Output | Should -Not -Match ([regex]::Escape($password))
        (crontab -l) | Should -Be $foreign
        Test-Path $passFile | Should -BeFalse
    }

    It 'registers once when run twice, keeps the foreign line and keeps the password out of the crontab' {
        $first = Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron -Connection $cs -PwshPath $pwsh -ConnectionFile $passFile -WarningAction SilentlyContinue
        $second = Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron -Connection $cs -PwshPath $pwsh -ConnectionFile $passFile -WarningAction SilentlyContinue
        $second | Should -BeOfType ([PgPerf.PgScheduledTask])
        $second.Schedule | Should -Be '0 * * * *'

        $lines = @(crontab -l)
        @($lines | Where-Object { $_ -match '# pgperf-job:hourly$' }).Count | Should -Be 1
        $lines | Should -Contain $foreign
        ($lines -join "`n") | Should -Not -Match ([regex]::Escape($password))
        ($lines -join "`n") | Should -Match ([regex]::Escape("Passfile=$passFile"))

        # The entry is in the throwaway user's table, and nothing of this run is in the real user's.
        (sh -c "'$realCrontab' -u '$cronUser' -l") -join "`n" | Should -Match ([regex]::Escape("Passfile=$passFile"))
        (sh -c "'$realCrontab' -l 2>/dev/null") -join "`n" | Should -Not -Match ([regex]::Escape($work))

        stat -c '%a' $passFile | Should -Be '600'
        (Get-Content $passFile) | Should -Contain ('{0}:{1}:{2}:{3}:{4}' -f (Get-TestConnectionPart 'Host'), (Get-TestConnectionPart 'Port'), $db.Name, (Get-TestConnectionPart 'Username'), $password)
    }

    It 'the daily entry runs the job for real: exit 0, then exit 1 when a step fails' {
        Register-PgPerfScheduledTask -Job Daily -At 02:00 -Scheduler Cron -Connection $cs -PwshPath $pwsh -ConnectionFile $passFile -WarningAction SilentlyContinue | Out-Null
        $daily = Get-PgPerfScheduledTask -Job Daily -Scheduler Cron
        $daily.Schedule | Should -Be '0 2 * * *'

        # Run exactly what cron runs, with no password in the environment: the pgpass file must carry it.
        $saved = $env:PGPASSWORD; Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
        try {
            $output = sh -c $daily.Command 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'old'" | Should -Be '0'

            Invoke-TestSql -Database $db.Name 'ALTER TABLE pgperf.table_bloat_snapshots RENAME COLUMN captured_at TO taken_at' | Out-Null
            $output = sh -c $daily.Command 2>&1
            $LASTEXITCODE | Should -Be 1
            ($output -join "`n") | Should -Match 'retention: Failed'
            ($output -join "`n") | Should -Match 'Succeeded\s*:\s*False' 
        } finally {
            if ($saved) { $env:PGPASSWORD = $saved }
            Invoke-TestSql -Database $db.Name 'ALTER TABLE pgperf.table_bloat_snapshots RENAME COLUMN taken_at TO captured_at' -AllowError | Out-Null
        }
    }

    It 'lists both jobs, and unregistering from the pipeline leaves only the foreign line' {
        $tasks = @(Get-PgPerfScheduledTask -Scheduler Cron)
        $tasks.Job | Should -Be @('Hourly', 'Daily')
        $tasks[0].Location | Should -Match 'crontab of user'

        Get-PgPerfScheduledTask | Unregister-PgPerfScheduledTask
        @(crontab -l) | Should -Be @($foreign)
        Get-PgPerfScheduledTask | Should -BeNullOrEmpty

        $err = { Unregister-PgPerfScheduledTask -Job Hourly -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Schedule.NotFound,*'
    }

    # A fleet (issue 17): one entry per job runs the job with -Repository over every server registered there.
    Context 'for a central repository' {
        BeforeAll {
            $script:fleetRepo = New-TestDatabase 'pgperf_sched_repo'
            $script:fleetMonitored = New-TestDatabase 'pgperf_sched_mon'
            Install-PgPerfSchema -Connection $fleetRepo.ConnectionString -Repository | Out-Null
            Invoke-TestSql -Database $fleetMonitored.Name 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' | Out-Null
            # The monitored database's login finds its password in its own owner-only pgpass file, named at registration.
            $script:monitoredPass = Join-Path $work 'monitored.pgpass'
            Set-Content -Path $monitoredPass -Value ('{0}:{1}:{2}:{3}:{4}' -f (Get-TestConnectionPart 'Host'), (Get-TestConnectionPart 'Port'), $fleetMonitored.Name, (Get-TestConnectionPart 'Username'), $password)
            chmod 600 $monitoredPass
            $script:shop = Add-PgPerfServer -Repository $fleetRepo.ConnectionString -Name shop -Connection ("Host={0};Port={1};Database={2};Username={3};Passfile={4}" -f
                (Get-TestConnectionPart 'Host'), (Get-TestConnectionPart 'Port'), $fleetMonitored.Name, (Get-TestConnectionPart 'Username'), $monitoredPass)
            function Invoke-AsCron([string] $Command) {
                # Exactly what cron runs, with no password in the environment: the pgpass files must carry them.
                $saved = $env:PGPASSWORD; Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
                try { $output = sh -c $Command 2>&1; [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output -join "`n" } }
                finally { if ($saved) { $env:PGPASSWORD = $saved } }
            }
        }
        AfterAll {
            Get-PgPerfScheduledTask -Scheduler Cron -ErrorAction SilentlyContinue | Unregister-PgPerfScheduledTask -ErrorAction SilentlyContinue
            Remove-TestDatabase $script:fleetRepo
            Remove-TestDatabase $script:fleetMonitored
        }

        It '-WhatIf shows the one entry that runs the job with -Repository, and changes nothing' {
            $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron -Repository '$($fleetRepo.ConnectionString)' -PwshPath '$pwsh' -ConnectionFile '$passFile' -WhatIf
"@
            $out.Output | Should -Match "Invoke-PgHourlyMonitoring -Repository '\\''Host=[^']*Database=$($fleetRepo.Name);[^']*Passfile=$([regex]::Escape($passFile))'\\''"
            $out.Output | Should -Match 'for every server registered in the repository'
            $out.Output | Should -Not -Match ([regex]::Escape($password))
            @(crontab -l) | Should -Be @($foreign)
        }

        It 'registers one hourly entry for the fleet; it runs the job on every registered server and exits 1 when one failed' {
            $task = Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron -Repository $fleetRepo.ConnectionString -PwshPath $pwsh -ConnectionFile $passFile -WarningAction SilentlyContinue
            $lines = @(crontab -l)
            @($lines | Where-Object { $_ -match '# pgperf-job:' }).Count | Should -Be 1
            ($lines -join "`n") | Should -Not -Match ([regex]::Escape($password))

            $run = Invoke-AsCron $task.Command
            $run.ExitCode | Should -Be 0 -Because $run.Output
            Invoke-TestSql -Database $fleetRepo.Name "SELECT count(*) FROM pgperf.statement_snapshots WHERE server_id = $($shop.ServerId)" | Should -Be '1'

            $downPort = Get-FreeTcpPort
            Invoke-TestSql -Database $fleetRepo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $downPort, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
            try {
                $run = Invoke-AsCron $task.Command
                $run.ExitCode | Should -Be 1
                $run.Output | Should -Match "127\.0\.0\.1:$downPort"
                Invoke-TestSql -Database $fleetRepo.Name "SELECT count(*) FROM pgperf.statement_snapshots WHERE server_id = $($shop.ServerId)" | Should -Be '2' -Because 'the other servers go on'
            } finally {
                Invoke-TestSql -Database $fleetRepo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null
            }
        }

        It 'registers the daily entry beside it; it runs the repository''s daily job' {
            $task = Register-PgPerfScheduledTask -Job Daily -Scheduler Cron -Repository $fleetRepo.ConnectionString -PwshPath $pwsh -ConnectionFile $passFile -WarningAction SilentlyContinue
            $task.Command | Should -Match "Invoke-PgDailyMaintenance -Repository "
            @(Get-PgPerfScheduledTask -Scheduler Cron).Job | Should -Be @('Hourly', 'Daily')
            $run = Invoke-AsCron $task.Command
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $run.Output | Should -Match 'retention'
        }
    }
}
