# The live cmdlets over the servers registered in a central repository (issue 17): two monitored databases with
# nothing of PgPerf installed, each read through a login that has only pg_monitor (its password in a pgpass file).
# Every figure is compared with what the server itself says when asked as the test superuser.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_lrepo'
    $script:alpha = New-TestDatabase 'pgperf_lrepo_a'
    $script:beta = New-TestDatabase 'pgperf_lrepo_b'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null

    $script:login = New-TestMonitorLogin 'pgperf_t_lmon'
    $script:monitorRole = $login.Role
    # alpha: a sequence 97.8 % used that the monitor login may read; beta: one barely used, and another table.
    Invoke-TestSql -Database $alpha.Name @"
CREATE TABLE accounts (id serial PRIMARY KEY, balance int);
INSERT INTO accounts (balance) SELECT g FROM generate_series(1, 100) g;
SELECT setval(pg_get_serial_sequence('accounts', 'id'), 2100000000);
GRANT SELECT ON SEQUENCE accounts_id_seq TO $monitorRole;
"@ | Out-Null
    Invoke-TestSql -Database $beta.Name @"
CREATE TABLE invoices (id serial PRIMARY KEY, total int);
CREATE TABLE invoice_lines (invoice int, amount int);
INSERT INTO invoices (total) SELECT g FROM generate_series(1, 10) g;
GRANT SELECT ON SEQUENCE invoices_id_seq TO $monitorRole;
"@ | Out-Null

    $script:r = $repo.ConnectionString
    Add-PgPerfServer -Repository $r -Name alpha -Connection (Get-TestMonitoredConnection $login $alpha.Name) | Out-Null
    Add-PgPerfServer -Repository $r -Name beta -Connection (Get-TestMonitoredConnection $login $beta.Name) | Out-Null

    $script:started = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
}
AfterAll {
    Stop-TestSession $script:started
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:alpha
    Remove-TestDatabase $script:beta
    Remove-TestMonitorLogin $script:login
}

Describe 'Live cmdlets with -Repository' -Tag 'Integration', 'Repository', 'RepositoryLive' {
    It 'finds a real blocked session on a registered server, read through its pg_monitor login, naming the server' {
        $app = "lrepo_holder_$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $holder = Start-TestSession 'BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;' $alpha.Name $app
        $script:started.Add($holder)
        $holderPid = Wait-TestBackend $app "state = 'idle in transaction'" $alpha.Name
        $waiter = Start-TestSession 'SELECT count(*) FROM accounts;' $alpha.Name "${app}_w"
        $script:started.Add($waiter)
        $waiterPid = Wait-TestBackend "${app}_w" "wait_event_type = 'Lock'" $alpha.Name
        # what the server says as the superuser: who waits for whom
        Invoke-TestSql "SELECT pg_blocking_pids($waiterPid)" | Should -Be "{$holderPid}"

        $rows = @(Get-PgBlocking -Repository $r -Server alpha | Where-Object Database -eq $alpha.Name)
        $rows.Count | Should -Be 1
        $rows[0].Server | Should -Be 'alpha'
        $rows[0].BlockedPid | Should -Be $waiterPid
        $rows[0].BlockingPid | Should -Be $holderPid
        $rows[0].BlockingState | Should -Be 'idle in transaction'
        # pg_monitor lets the login see other users' queries
        $rows[0].BlockingQuery | Should -Match 'LOCK TABLE accounts'
        $rows[0].Connection.Username | Should -Be $monitorRole

        # Both registered databases live on this one PostgreSQL, so each sees the waiter, as its own Server.
        $all = @(Get-PgBlocking -Repository $r -ThrottleLimit 2 | Where-Object BlockedPid -eq $waiterPid)
        ($all.Server | Sort-Object) | Should -Be @('alpha', 'beta')

        $activity = @(Get-PgActivity -Repository $r -Server 'al*' | Where-Object Pid -eq $waiterPid)
        $activity.Count | Should -Be 1
        $activity[0].Server | Should -Be 'alpha'
        $activity[0].BlockedBy | Should -Be @($holderPid)

        Stop-TestSession $holder, $waiter
        $script:started.Remove($holder) | Out-Null; $script:started.Remove($waiter) | Out-Null
        foreach ($db in $alpha, $beta) {
            Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgperf'" | Should -Be '0'
        }
    }

    It 'reads each server''s own database: sequences, vacuum and wraparound per registered server' {
        $sequences = @(Get-PgSequenceRisk -Repository $r)
        $alphaSeq = @($sequences | Where-Object Server -eq 'alpha')
        $alphaSeq.Sequence | Should -Be @('accounts_id_seq')
        $alphaSeq[0].LastValue | Should -Be ([long](Invoke-TestSql -Database $alpha.Name 'SELECT last_value FROM accounts_id_seq'))
        $expected = [double](Invoke-TestSql -Database $alpha.Name "SELECT (SELECT last_value FROM accounts_id_seq) * 100.0 / 2147483647")
        [math]::Abs($alphaSeq[0].PercentUsed - $expected) | Should -BeLessThan 0.01
        $alphaSeq[0].Status | Should -Be 'Critical'
        $betaSeq = @($sequences | Where-Object Server -eq 'beta')
        $betaSeq.Sequence | Should -Be @('invoices_id_seq')
        $betaSeq[0].LastValue | Should -Be 10
        $betaSeq[0].Status | Should -Be 'Ok'

        $vacuum = @(Get-PgVacuumHealth -Repository $r -Server beta)
        ($vacuum.Server | Sort-Object -Unique) | Should -Be 'beta'
        ($vacuum | ForEach-Object { "$($_.Schema).$($_.Table)" } | Sort-Object) |
            Should -Be @(Invoke-TestSql -Database $beta.Name "SELECT schemaname || '.' || relname FROM pg_stat_user_tables ORDER BY 1")

        $databases = @(Get-PgWraparoundRisk -Repository $r -Server alpha -Top 0)
        ($databases.Server | Sort-Object -Unique) | Should -Be 'alpha'
        ($databases | Where-Object Database -eq $alpha.Name).XidAge |
            Should -Be ([long](Invoke-TestSql "SELECT age(datfrozenxid) FROM pg_database WHERE datname = '$($alpha.Name)'"))
    }

    It 'runs the health checks on every registered server, each row naming its server' {
        $rows = @(Invoke-PgHealthCheck -Repository $r -Check sequences, connections)
        ($rows | ForEach-Object { "$($_.Server):$($_.Check)" } | Sort-Object) |
            Should -Be @('alpha:connections', 'alpha:sequences', 'beta:connections', 'beta:sequences')
        ($rows | Where-Object { $_.Server -eq 'alpha' -and $_.Check -eq 'sequences' }).Status | Should -Be 'Critical'
        ($rows | Where-Object { $_.Server -eq 'beta' -and $_.Check -eq 'sequences' }).Status | Should -Be 'Ok'
        ($rows | Where-Object { $_.Server -eq 'beta' -and $_.Check -eq 'connections' }).Value | Should -BeGreaterThan 0
    }

    It 'writes one non-terminating error naming a registered server that cannot be read, and reads the others' {
        $port = Get-FreeTcpPort
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $port, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
        try {
            $rows = @(Get-PgWraparoundRisk -Repository $r -Top 0 -ErrorVariable errs -ErrorAction SilentlyContinue)
            ($rows.Server | Sort-Object -Unique) | Should -Be @('alpha', 'beta')
            $errs.Count | Should -Be 1
            $errs[0].Exception.Message | Should -Match "127\.0\.0\.1:$port"

            # the only server asked for: still one non-terminating error, and the script goes on
            $reached = $false
            Get-PgSequenceRisk -Repository $r -Server down -ErrorVariable one -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $reached = $true
            $reached | Should -BeTrue
            $one.Count | Should -Be 1
            $one[0].Exception.Message | Should -Match "registered server 'down'"
        } finally {
            Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null
        }
    }

    It 'refuses -Server without -Repository with the documented error' {
        { Get-PgBlocking -Connection $alpha.ConnectionString -Server alpha -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository,PgPerf.Commands.GetPgBlockingCommand'
    }
}

Describe 'Health checks and index bloat stored per server in the repository' -Tag 'Integration', 'Repository', 'RepositoryLive' {
    BeforeAll {
        $script:ids = @{}
        foreach ($s in Get-PgPerfServer -Repository $r) { $script:ids[$s.Name] = $s.ServerId }
        function Get-Stored([string] $Sql) { @(Invoke-TestSql -Database $repo.Name $Sql) }
        $script:hourAgo = (Get-Date).AddHours(-1)
        # start from an empty history (the live tests above stored their health check runs)
        Invoke-TestSql -Database $repo.Name 'DELETE FROM pgperf.health_check_history' | Out-Null
    }

    It 'stores nothing with -WhatIf, and each server''s results with -Repository, as that server' {
        @(Invoke-PgHealthCheck -Repository $r -Check sequences -WhatIf).Count | Should -Be 2
        Get-Stored 'SELECT count(*) FROM pgperf.health_check_history' | Should -Be '0'

        $rows = @(Invoke-PgHealthCheck -Repository $r -Check sequences, connections)
        $rows.Count | Should -Be 4
        Get-Stored "SELECT server_id || ':' || check_name || ':' || status FROM pgperf.health_check_history ORDER BY 1" |
            Should -Be @("$($ids.alpha):connections:Ok", "$($ids.alpha):sequences:Critical", "$($ids.beta):connections:Ok", "$($ids.beta):sequences:Ok")
        # the stored value is the sequence's use as the server itself says, and the finding names the sequence
        $expected = [double](Invoke-TestSql -Database $alpha.Name 'SELECT (SELECT last_value FROM accounts_id_seq) * 100.0 / 2147483647')
        $stored = [double](Get-Stored "SELECT value FROM pgperf.health_check_history WHERE server_id = $($ids.alpha) AND check_name = 'sequences'")
        [math]::Abs($stored - $expected) | Should -BeLessThan 0.01
        Get-Stored "SELECT f->>'target' FROM pgperf.health_check_history, jsonb_array_elements(findings) f WHERE server_id = $($ids.alpha) AND check_name = 'sequences'" |
            Should -Be 'public.accounts_id_seq'
        Get-Stored 'SELECT count(*) FROM pgperf.health_check_history WHERE server_id = 0' | Should -Be '0'
    }

    It 'runs the health check and index bloat steps per server in the hourly job, each with its step result' {
        $results = @(Invoke-PgHourlyMonitoring -Repository $r -ThrottleLimit 2)
        ($results.Server | Sort-Object) | Should -Be @('alpha', 'beta')
        foreach ($result in $results) {
            $health = $result.Steps | Where-Object Name -eq 'health check'
            $health.Status | Should -Be 'Succeeded'
            $latest = [int](Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE server_id = $($ids[$result.Server]) AND captured_at = (SELECT max(captured_at) FROM pgperf.health_check_history WHERE server_id = $($ids[$result.Server]))")
            $health.Count | Should -Be $latest
            # every check, as a run of Invoke-PgHealthCheck on that server names them (-WhatIf: that run stores nothing)
            Get-Stored "SELECT check_name FROM pgperf.health_check_history WHERE server_id = $($ids[$result.Server]) AND captured_at = (SELECT max(captured_at) FROM pgperf.health_check_history WHERE server_id = $($ids[$result.Server])) ORDER BY 1" |
                Should -Be @(Invoke-PgHealthCheck -Repository $r -Server $result.Server -WhatIf 6>$null | ForEach-Object Check | Sort-Object)
            ($result.Steps | Where-Object Name -eq 'index bloat snapshot').Status | Should -Be 'Succeeded'
        }
        # every B-tree index of each server's database, with its size as the server measures it
        foreach ($pair in @(@('alpha', $alpha), @('beta', $beta))) {
            $id = $ids[$pair[0]]
            Get-Stored "SELECT schemaname || '.' || indexname || '=' || index_bytes FROM pgperf.index_bloat_snapshots WHERE server_id = $id ORDER BY 1" |
                Should -Be @(Invoke-TestSql -Database $pair[1].Name "SELECT n.nspname || '.' || c.relname || '=' || pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam WHERE c.relkind = 'i' AND a.amname = 'btree' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY 1")
        }
        Get-Stored "SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE server_id = $($ids.alpha)" | Should -Be '1'
    }

    It 'reads the stored history back with -Since, naming each server' {
        $checks = @(Invoke-PgHealthCheck -Repository $r -Server alpha -Check sequences -Since $hourAgo)
        # the cmdlet's own run and the hourly job's: two stored runs of alpha
        $checks.Count | Should -Be 2
        $checks.Server | Sort-Object -Unique | Should -Be 'alpha'
        $checks.Status | Sort-Object -Unique | Should -Be 'Critical'
        ($checks.CapturedAt | ForEach-Object { $_.UtcDateTime.ToString('o') }) |
            Should -Be @(Get-Stored "SELECT to_char(captured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD""T""HH24:MI:SS.US') || '0Z' FROM pgperf.health_check_history WHERE server_id = $($ids.alpha) AND check_name = 'sequences' ORDER BY captured_at")
        @(Invoke-PgHealthCheck -Repository $r -Check sequences -Since (Get-Date).AddMinutes(5)).Count | Should -Be 0

        $bloat = @(Get-PgIndexBloat -Repository $r -Since $hourAgo)
        ($bloat | ForEach-Object { "$($_.Server):$($_.Index)" } | Sort-Object) | Should -Be @('alpha:accounts_pkey', 'beta:invoices_pkey')
        ($bloat | Where-Object Server -eq 'beta').IndexBytes |
            Should -Be ([long](Invoke-TestSql -Database $beta.Name "SELECT pg_relation_size('invoices_pkey')"))
        { Get-PgIndexBloat -Connection $beta.ConnectionString -Since $hourAgo -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Health.SinceWithoutRepository,PgPerf.Commands.GetPgIndexBloatCommand'
        { Invoke-PgHealthCheck -Connection $beta.ConnectionString -Since $hourAgo -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Health.SinceWithoutRepository,PgPerf.Commands.InvokePgHealthCheckCommand'
    }

    It 'drops whole old days of both tables in the daily job of the repository, and keeps today' {
        Invoke-TestSql -Database $repo.Name @"
SELECT pgperf.ensure_snapshot_partitions('health_check_history', ARRAY[(now() AT TIME ZONE 'UTC')::date - 120]);
SELECT pgperf.ensure_snapshot_partitions('index_bloat_snapshots', ARRAY[(now() AT TIME ZONE 'UTC')::date - 120]);
INSERT INTO pgperf.health_check_history (server_id, captured_at, check_name, status, unit, threshold, detail, finding_count)
VALUES ($($ids.alpha), now() - interval '120 days', 'sequences', 'Ok', 'percent', '', '', 0);
INSERT INTO pgperf.index_bloat_snapshots (server_id, captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes, bloat_percent,
        expected_bytes, status, method, confidence, entry_bytes, fill_factor, is_unique)
VALUES ($($ids.beta), now() - interval '120 days', 'public', 'invoices', 'invoices_pkey', 8192, 0, 0, 8192, 'Ok', 'Estimate', 'Low', 16, 90, true);
"@ | Out-Null
        $before = @{
            health = Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE captured_at > now() - interval '1 day'"
            bloat  = Get-Stored "SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE captured_at > now() - interval '1 day'"
        }
        $result = Invoke-PgDailyMaintenance -Repository $r -SnapshotDays 90 -WarningAction SilentlyContinue
        ($result.Steps | Where-Object Name -eq 'retention').Status | Should -Be 'Succeeded'
        Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE captured_at < now() - interval '90 days'" | Should -Be '0'
        Get-Stored "SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE captured_at < now() - interval '90 days'" | Should -Be '0'
        # whole days were dropped, not rows deleted
        Get-Stored "SELECT count(*) FROM pg_class WHERE relname ~ '^(health_check_history|index_bloat_snapshots)_p' AND relname < 'z' AND right(relname, 8) < to_char(now() - interval '90 days', 'YYYYMMDD')" | Should -Be '0'
        Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE captured_at > now() - interval '1 day'" | Should -Be $before.health
        Get-Stored "SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE captured_at > now() - interval '1 day'" | Should -Be $before.bloat
    }

    It 'forgets a removed server''s stored health and index bloat, and keeps the others''' {
        $gamma = Add-PgPerfServer -Repository $r -Name gamma -Connection (Get-TestMonitoredConnection $login $beta.Name)
        Invoke-PgHourlyMonitoring -Repository $r -Server gamma | Out-Null
        Get-Stored "SELECT count(*) > 0 FROM pgperf.health_check_history WHERE server_id = $($gamma.ServerId)" | Should -Be 't'
        Get-Stored "SELECT count(*) > 0 FROM pgperf.index_bloat_snapshots WHERE server_id = $($gamma.ServerId)" | Should -Be 't'
        $others = Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE server_id <> $($gamma.ServerId)"
        $gamma | Remove-PgPerfServer -Confirm:$false
        Get-Stored "SELECT count(*) FROM pgperf.health_check_history WHERE server_id = $($gamma.ServerId)" | Should -Be '0'
        Get-Stored "SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE server_id = $($gamma.ServerId)" | Should -Be '0'
        Get-Stored 'SELECT count(*) FROM pgperf.health_check_history' | Should -Be $others
    }

    It 'lets the partition functions touch only the day partitions of the snapshot tables' {
        (Invoke-TestSql -Database $repo.Name "SELECT pgperf.ensure_snapshot_partitions('monitored_servers', ARRAY[current_date])" -AllowError) -join "`n" |
            Should -Match 'is not a snapshot table partitioned by day'
        (Invoke-TestSql -Database $repo.Name "SELECT pgperf.drop_snapshot_partition('monitored_servers')" -AllowError) -join "`n" |
            Should -Match 'is not a day partition of a snapshot table'
        (Invoke-TestSql -Database $repo.Name "SELECT pgperf.drop_snapshot_partition('health_check_history_default')" -AllowError) -join "`n" |
            Should -Match 'is not a day partition of a snapshot table'
        Get-Stored "SELECT count(*) FROM pgperf.monitored_servers WHERE server_id = $($ids.alpha)" | Should -Be '1'
        Get-Stored "SELECT count(*) FROM pg_class WHERE relname = 'health_check_history_default'" | Should -Be '1'
    }
}
