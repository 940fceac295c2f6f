# The central repository's registry (issue 17): Install-PgPerfSchema -Repository, Add-, Get- and Remove-PgPerfServer.
# The monitored database has nothing of PgPerf and is reached through a login that has only pg_monitor, whose
# password is in a pgpass file (the repository never stores one).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_repo'
    $script:plain = New-TestDatabase 'pgperf_repo_plain'
    $script:monitored = New-TestDatabase 'pgperf_repo_mon'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null
    Install-PgPerfSchema -Connection $plain.ConnectionString | Out-Null
    Invoke-TestSql -Database $monitored.Name 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' | Out-Null

    $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:monitorRole = "pgperf_t_mon_$suffix"
    $script:plainRole = "pgperf_t_plain_$suffix"
    $script:rolePassword = "pw-$([guid]::NewGuid().ToString('N'))"
    Invoke-TestSql "CREATE ROLE $monitorRole LOGIN PASSWORD '$rolePassword' IN ROLE pg_monitor; CREATE ROLE $plainRole LOGIN PASSWORD '$rolePassword'" | Out-Null

    # The passwords live in an owner-only pgpass file, as they would for the account that runs the jobs.
    $script:pgpass = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-repo-$suffix.pgpass"
    $port = Get-TestConnectionPart 'Port'
    Set-Content -Path $pgpass -Value "127.0.0.1:${port}:*:${monitorRole}:$rolePassword`n127.0.0.1:${port}:*:${plainRole}:$rolePassword"
    if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($pgpass, [System.IO.UnixFileMode]'UserRead, UserWrite') }
    $script:monitoredCs = "Host=127.0.0.1;Port=$port;Database=$($monitored.Name);Username=$monitorRole;Passfile=$pgpass"
    $script:plainLoginCs = "Host=127.0.0.1;Port=$port;Database=$($monitored.Name);Username=$plainRole;Passfile=$pgpass"
    $script:r = $repo.ConnectionString

    function Get-RegistryText { Invoke-TestSql -Database $repo.Name 'SELECT coalesce(string_agg(row_to_json(s)::text, E''\n''), '''') FROM pgperf.monitored_servers s' }
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:plain
    Remove-TestDatabase $script:monitored
    Invoke-TestSql "DROP ROLE IF EXISTS $monitorRole; DROP ROLE IF EXISTS $plainRole" -AllowError | Out-Null
    Remove-Item $script:pgpass -ErrorAction SilentlyContinue
}

Describe 'Install-PgPerfSchema -Repository' -Tag 'Integration', 'Repository' {
    It 'marks the repository, and only it; the in-database install is server 0 of itself' {
        Invoke-TestSql -Database $repo.Name 'SELECT repository_since IS NOT NULL FROM pgperf.monitored_servers WHERE server_id = 0' | Should -Be 't'
        Invoke-TestSql -Database $plain.Name 'SELECT server_id, name, repository_since IS NULL FROM pgperf.monitored_servers' | Should -Be '0|local|t'
    }

    It 'is idempotent and keeps the date it was prepared' {
        $before = Invoke-TestSql -Database $repo.Name 'SELECT repository_since FROM pgperf.monitored_servers WHERE server_id = 0'
        Install-PgPerfSchema -Connection $r -Repository | Out-Null
        Invoke-TestSql -Database $repo.Name 'SELECT repository_since FROM pgperf.monitored_servers WHERE server_id = 0' | Should -Be $before
    }

    It 'leaves the registry writable by its owner only: pgperf_monitor may read it' {
        Invoke-TestSql -Database $repo.Name "SELECT has_table_privilege('pgperf_monitor', 'pgperf.monitored_servers', 'SELECT'), has_table_privilege('pgperf_monitor', 'pgperf.monitored_servers', 'INSERT'), has_table_privilege('pgperf_monitor', 'pgperf.monitored_servers', 'DELETE')" |
            Should -Be 't|f|f'
    }
}

Describe 'Add-PgPerfServer' -Tag 'Integration', 'Repository' {
    AfterEach { Invoke-TestSql -Database $repo.Name 'DELETE FROM pgperf.monitored_servers WHERE server_id <> 0' | Out-Null }

    It 'checks the pg_monitor login once and registers the server, without a password' {
        $server = Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name shop
        $server | Should -BeOfType ([PgPerf.PgMonitoredServer])
        $server.Name | Should -Be 'shop'
        $server.ServerId | Should -BeGreaterThan 0
        $server.Host | Should -Be '127.0.0.1'
        $server.Port | Should -Be ([int](Get-TestConnectionPart 'Port'))
        $server.Database | Should -Be $monitored.Name
        $server.Username | Should -Be $monitorRole
        $server.Options | Should -Be @("Passfile=$pgpass")
        $server.Repository.Database | Should -Be $repo.Name
        (Get-RegistryText) | Should -Not -Match ([regex]::Escape($rolePassword))
        # Nothing of PgPerf went to the monitored database.
        Invoke-TestSql -Database $monitored.Name "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgperf'" | Should -Be '0'
    }

    It 'names a server host:port/database by default' {
        (Add-PgPerfServer -Repository $r -Connection $monitoredCs).Name | Should -Be "127.0.0.1:$(Get-TestConnectionPart 'Port')/$($monitored.Name)"
    }

    It 'refuses a connection with a password, before connecting, and stores nothing: <Form>' -ForEach @(
        @{ Form = 'Password= in a connection string' }
        @{ Form = 'a postgresql:// URI with user:password@' }
    ) {
        $withPassword = if ($Form -like 'Password=*') { "$monitoredCs;Password=$rolePassword" } else { "postgresql://${monitorRole}:$rolePassword@127.0.0.1:$(Get-TestConnectionPart 'Port')/$($monitored.Name)" }
        Add-PgPerfServer -Repository $r -Connection $withPassword -Name leaked -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.PasswordNotStored,*'
        $errs[0].Exception.Message | Should -Match 'pgpass'
        $errs[0].Exception.Message | Should -Not -Match ([regex]::Escape($rolePassword))
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.monitored_servers WHERE server_id <> 0' | Should -Be '0'
    }

    It 'refuses a login without pg_monitor, naming the GRANT' {
        Add-PgPerfServer -Repository $r -Connection $plainLoginCs -Name weak -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.MonitorRoleMissing,*'
        $errs[0].Exception.Message | Should -Match "GRANT pg_monitor TO $plainRole"
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.monitored_servers WHERE server_id <> 0' | Should -Be '0'
    }

    It 'refuses a name in use' {
        Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name shop | Out-Null
        Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name shop -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.NameTaken,*'
    }

    It 'refuses a database that was not prepared as a repository' {
        Add-PgPerfServer -Repository $plain.ConnectionString -Connection $monitoredCs -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.NotPrepared,*'
        $errs[0].Exception.Message | Should -Match 'Install-PgPerfSchema -Repository'
    }

    It 'shows what it would register with -WhatIf, and registers nothing' {
        Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name shop -WhatIf | Should -BeNullOrEmpty
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.monitored_servers WHERE server_id <> 0' | Should -Be '0'
    }
}

Describe 'The registry refuses a password whoever writes it' -Tag 'Integration', 'Repository' {
    It 'rejects <What>' -ForEach @(
        @{ What = 'a Password option'; Values = "'h1', 5432, 'app', 'u', '{""Password"": ""x""}'" }
        @{ What = 'a pwd option in any case'; Values = "'h1', 5432, 'app', 'u', '{""PWD"": ""x""}'" }
        @{ What = 'password= pasted into the host'; Values = "'h1 password=x', 5432, 'app', 'u', '{}'" }
        @{ What = 'a URI with a password in an option'; Values = "'h1', 5432, 'app', 'u', '{""Service"": ""postgresql://u:secret@h1/app""}'" }
    ) {
        $out = Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('bad', $Values)" -AllowError
        "$out" | Should -Match 'monitored_servers_no_password'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.monitored_servers WHERE name = 'bad'" | Should -Be '0'
    }

    It 'accepts a Passfile option' {
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, options) VALUES ('passfile_ok', 'h1', 5432, '{""Passfile"": ""/home/ops/.pgpass""}') RETURNING name" | Should -Be 'passfile_ok'
        Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'passfile_ok'" | Out-Null
    }
}

Describe 'Get-PgPerfServer and Remove-PgPerfServer' -Tag 'Integration', 'Repository' {
    BeforeEach {
        Invoke-TestSql -Database $repo.Name 'DELETE FROM pgperf.monitored_servers WHERE server_id <> 0' | Out-Null
        foreach ($name in 'shop-eu', 'shop-us', 'billing') { Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name $name | Out-Null }
    }

    It 'lists registered servers by name, with wildcards, and never server 0' {
        (Get-PgPerfServer -Repository $r).Name | Should -Be @('billing', 'shop-eu', 'shop-us')
        (Get-PgPerfServer -Repository $r -Name 'SHOP-*').Name | Should -Be @('shop-eu', 'shop-us')
    }

    It 'writes one error for an exact name that is not registered' {
        Get-PgPerfServer -Repository $r -Name 'billing', 'nosuch' -ErrorVariable errs -ErrorAction SilentlyContinue | ForEach-Object Name | Should -Be 'billing'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.ServerNotFound,*'
    }

    It 'pipes its rows into a cmdlet that takes -Connection, which reaches the server through the pg_monitor login' {
        $rows = Get-PgPerfServer -Repository $r -Name billing | Get-PgWraparoundRisk
        @($rows).Count | Should -BeGreaterThan 0
        @($rows | Where-Object Database -eq $monitored.Name).Count | Should -BeGreaterThan 0
    }

    It 'removes nothing with -WhatIf' {
        Get-PgPerfServer -Repository $r -Name 'shop-*' | Remove-PgPerfServer -WhatIf
        (Get-PgPerfServer -Repository $r).Name | Should -Be @('billing', 'shop-eu', 'shop-us')
    }

    It 'removes the servers piped from Get-PgPerfServer' {
        Get-PgPerfServer -Repository $r -Name 'shop-*' | Remove-PgPerfServer -Confirm:$false
        (Get-PgPerfServer -Repository $r).Name | Should -Be @('billing')
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.monitored_servers WHERE server_id = 0' | Should -Be '1'
    }

    It 'cannot remove server 0, the repository itself' {
        $out = Invoke-TestSql -Database $repo.Name 'SELECT pgperf.remove_monitored_server(0)' -AllowError
        "$out" | Should -Match 'server 0 is this database itself'
    }

    It 'asks for confirmation (ConfirmImpact High)' {
        (Get-Command Remove-PgPerfServer).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }
}

Describe 'Statement statistics into the repository' -Tag 'Integration', 'Repository' {
    BeforeAll {
        Invoke-TestSql -Database $repo.Name 'DELETE FROM pgperf.monitored_servers WHERE server_id <> 0' | Out-Null
        $script:marker = "repo17_marker_$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        Invoke-TestSql -Database $monitored.Name "CREATE TABLE $marker (i int); INSERT INTO $marker VALUES (1)" | Out-Null
        $script:shop = Add-PgPerfServer -Repository $r -Connection $monitoredCs -Name shop
        function Invoke-Marker([int] $Times) {
            Invoke-TestSql -Database $monitored.Name ((1..$Times | ForEach-Object { "SELECT count(*) FROM $marker" }) -join ";`n") | Out-Null
        }
        # The marker's history rows in the repository, oldest first: calls|counters_reset.
        function Get-MarkerHistory {
            @(Invoke-TestSql -Database $repo.Name @"
SELECT h.calls, h.counters_reset FROM pgperf.statement_history h
  JOIN pgperf.statement_texts t ON t.server_id = h.server_id AND t.queryid = h.queryid
 WHERE h.server_id = $($shop.ServerId) AND t.query LIKE '%$marker%' ORDER BY h.captured_at
"@)
        }
    }

    It 'takes a baseline, then stores the differences, as the registered server' {
        $baseline = Invoke-PgStatementSnapshot -Repository $r -Server shop
        $baseline.Server | Should -Be 'shop'
        $baseline.Skipped -join ' ' | Should -Match 'baseline'
        Invoke-Marker 5
        $second = Invoke-PgStatementSnapshot -Repository $r
        $second.Count | Should -BeGreaterThan 0
        Get-MarkerHistory | Should -Be @('5|f')
        # Nothing was stored as the repository's own server, and nothing of PgPerf went to the monitored database.
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.statement_snapshots WHERE server_id = 0' | Should -Be '0'
        Invoke-TestSql -Database $monitored.Name "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgperf'" | Should -Be '0'
    }

    It 'stores the text once, with its QueryHash, and an unchanged statement writes no row' {
        Invoke-TestSql -Database $repo.Name "SELECT count(*), bool_and(query_hash IS NOT NULL) FROM pgperf.statement_texts WHERE server_id = $($shop.ServerId) AND query LIKE '%$marker%'" |
            Should -Be '1|t'
        Invoke-PgStatementSnapshot -Repository $r | Out-Null
        Get-MarkerHistory | Should -Be @('5|f')
    }

    It 'marks an interval after pg_stat_statements_reset() and counts it from zero' {
        Invoke-TestSql -Database $monitored.Name 'SELECT pg_stat_statements_reset()' | Out-Null
        Invoke-Marker 3
        $afterReset = Invoke-PgStatementSnapshot -Repository $r
        if ((Get-TestServerVersionNum) -ge 140000) { $afterReset.Skipped -join ' ' | Should -Match 'reset' }
        Get-MarkerHistory | Should -Be @('5|f', '3|t')
    }

    It 'runs the hourly statement step per registered server; a server that cannot be reached is one error' {
        $port = Get-FreeTcpPort
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $port, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
        try {
            $results = Invoke-PgHourlyMonitoring -Repository $r -ThrottleLimit 2 -ErrorVariable errs -ErrorAction SilentlyContinue
            ($results.Server | Sort-Object) | Should -Be @('down', 'shop')
            $shop = $results | Where-Object Server -eq 'shop'
            $snapshotSteps = @('index snapshot', 'bloat snapshot', 'statement snapshot', 'health check', 'index bloat snapshot')
            # then the server's alerts, raised in the repository (RepositoryAlerts.Tests.ps1)
            $shop.Steps.Name | Should -Be ($snapshotSteps + @('query rollups', 'query performance', 'high bloat', 'statement regressions', 'health alerts', 'job failure alerts'))
            @($shop.Steps.Status | Select-Object -Unique) | Should -Be @('Succeeded')
            # the server that cannot be reached: every snapshot step failed for that one reason, and one error names it
            $down = $results | Where-Object Server -eq 'down'
            ($down.Steps | Where-Object Name -in $snapshotSteps).Status | Should -Be @('Failed', 'Failed', 'Failed', 'Failed', 'Failed')
            $errs.Count | Should -Be 1
            $errs[0].Exception.Message | Should -Match "127\.0\.0\.1:$port"
            # named once, as registered, in front
            $errs[0].Exception.Message | Should -BeLike "registered server 'down' (*): The Hourly job: *"
            [regex]::Matches($errs[0].Exception.Message, "'down'").Count | Should -Be 1
        } finally {
            Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null
        }
    }

    It 'exits non-zero from a scheduled-style run when a server failed' {
        $port = Get-FreeTcpPort
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $port, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
        try {
            (Invoke-FreshPwsh "Import-Module '$script:ModulePath'; Invoke-PgHourlyMonitoring -Repository '$r' -ErrorAction SilentlyContinue | Out-Null; if (-not `$?) { exit 1 }").ExitCode | Should -Be 1
        } finally {
            Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null
        }
        (Invoke-FreshPwsh "Import-Module '$script:ModulePath'; Invoke-PgHourlyMonitoring -Repository '$r' -ErrorAction SilentlyContinue | Out-Null; if (-not `$?) { exit 1 }").ExitCode | Should -Be 0
    }

    It 'deletes the server''s statement history when it is removed' {
        Remove-PgPerfServer -Repository $r -Name shop -Confirm:$false
        foreach ($table in 'statement_snapshots', 'statement_texts', 'statement_last', 'statement_history', 'statement_daily', 'statement_running') {
            Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.$table WHERE server_id = $($shop.ServerId)" | Should -Be '0' -Because "$table keeps no row of a removed server"
        }
    }
}

Describe 'Day partitions when several servers snapshot at once' -Tag 'Integration', 'Repository' {
    It 'creates a new day partition once when a second snapshot asks for it while the first is creating it' {
        # The repository ingests servers in parallel: on the first snapshot of a day two of them need the same new
        # partition. One session creates it and holds its transaction open; the second asks while it does.
        $ensure = "SELECT pgperf.ensure_statement_history_partitions(ARRAY[date '2031-03-15'])"
        $psqlArgs = @('-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', (Get-TestConnectionPart 'Host'),
            '-p', (Get-TestConnectionPart 'Port'), '-U', (Get-TestConnectionPart 'Username'), '-d', $repo.Name)
        $first = Start-ThreadJob -ArgumentList $psqlArgs, $ensure, (Get-TestConnectionPart 'Password') {
            param($PsqlArgs, $Sql, $Password)
            $env:PGPASSWORD = $Password
            $out = & psql @PsqlArgs -c 'BEGIN' -c $Sql -c 'SELECT pg_sleep(3)' -c 'COMMIT' 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = "$out" }
        }
        try {
            Wait-TestStatistics -Database $repo.Name -TimeoutSeconds 20 "EXISTS (SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                WHERE a.datname = current_database() AND a.query = 'SELECT pg_sleep(3)' AND l.locktype = 'advisory' AND l.granted)"
            $second = Invoke-TestSql -Database $repo.Name $ensure
        }
        finally {
            $firstResult = $first | Wait-Job | Receive-Job
            $first | Remove-Job
        }
        $firstResult.ExitCode | Should -Be 0 -Because $firstResult.Output
        $firstResult.Output.Trim() | Should -Be '1'
        $second | Should -Be '0'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'pgperf.statement_history_p20310315'::regclass" | Should -Be '1'
    }
}
