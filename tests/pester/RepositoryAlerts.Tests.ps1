# Alerts per registered server in a central repository (issue 17, migration 035): the hourly job with -Repository
# raises each server's alerts in the repository from what it read of that server, Get-PgPerfAlert -Repository -Server
# lists them with their Server, Resolve-PgPerfAlert resolves them there, the open-alert key is per server, and a
# removed server's alerts go with it. Two monitored databases with nothing of PgPerf installed, read through a login
# that has only pg_monitor; every check of the repository's tables is plain SQL, not the cmdlets under test.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_arepo'
    $script:alpha = New-TestDatabase 'pgperf_arepo_a'
    $script:beta = New-TestDatabase 'pgperf_arepo_b'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null

    $script:login = New-TestMonitorLogin 'pgperf_t_amon'
    $monitorRole = $login.Role
    # The same table in both databases; only alpha's sequence is nearly used up (97.8 % of int).
    foreach ($db in $alpha, $beta) {
        Invoke-TestSql -Database $db.Name @"
CREATE TABLE accounts (id serial PRIMARY KEY, balance int);
INSERT INTO accounts (balance) SELECT g FROM generate_series(1, 10) g;
GRANT SELECT ON SEQUENCE accounts_id_seq TO $monitorRole;
"@ | Out-Null
    }
    Invoke-TestSql -Database $alpha.Name "SELECT setval('accounts_id_seq', 2100000000)" | Out-Null

    $script:r = $repo.ConnectionString
    Add-PgPerfServer -Repository $r -Name alpha -Connection (Get-TestMonitoredConnection $login $alpha.Name) -WarningAction SilentlyContinue | Out-Null
    Add-PgPerfServer -Repository $r -Name beta -Connection (Get-TestMonitoredConnection $login $beta.Name) -WarningAction SilentlyContinue | Out-Null
    # A registered server nothing listens for: its steps fail.
    $downPort = Get-FreeTcpPort
    # (Add-PgPerfServer checks the connection, so it is registered in SQL, as Repository.Tests.ps1 does.)
    Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $downPort, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null

    # The repository's alerts as plain SQL rows "server|type|dedup key|state", state open or resolved_by.
    function Get-StoredAlerts([string] $Where = 'true') {
        @(Invoke-TestSql -Database $repo.Name @"
SELECT s.name || '|' || a.alert_type || '|' || a.dedup_key || '|' || coalesce(a.resolved_by, 'open')
  FROM pgperf.performance_alerts a JOIN pgperf.monitored_servers s USING (server_id)
 WHERE $Where ORDER BY 1
"@)
    }
    function Invoke-Hourly { Invoke-PgHourlyMonitoring -Repository $r -ThrottleLimit 2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:alpha
    Remove-TestDatabase $script:beta
    Remove-TestMonitorLogin $script:login
}

Describe 'Alerts of registered servers' -Tag 'Integration', 'Repository', 'RepositoryAlerts' {
    It 'raises each server''s alerts in the repository from its own condition only' {
        $results = @(Invoke-Hourly)
        ($results.Server | Sort-Object) | Should -Be @('alpha', 'beta', 'down')
        foreach ($result in $results) {
            ($result.Steps | Where-Object Name -eq 'job failure alerts').Status | Should -Be 'Succeeded'
        }

        # alpha's nearly used-up sequence: a sequence alert for alpha, none for beta (same table, sequence barely used)
        Get-StoredAlerts "a.alert_type = 'sequence_exhaustion'" | Should -Be @('alpha|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|open')
        # the server nothing listens on: one job_failure alert per failed step, for it alone
        $failures = Get-StoredAlerts "a.alert_type = 'job_failure'"
        $failures | Should -Be @(
            'down|job_failure|job_failure:hourly:bloat snapshot|open', 'down|job_failure|job_failure:hourly:health check|open',
            'down|job_failure|job_failure:hourly:index bloat snapshot|open', 'down|job_failure|job_failure:hourly:index snapshot|open',
            'down|job_failure|job_failure:hourly:statement snapshot|open')
        # nothing of the repository's own (server 0)
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.performance_alerts WHERE server_id = 0' | Should -Be '0'
    }

    It 'lists a server''s alerts with -Repository -Server, each naming its server' {
        $rows = @(Get-PgPerfAlert -Repository $r -Server alpha -Open)
        $rows.Count | Should -BeGreaterThan 0
        ($rows.Server | Sort-Object -Unique) | Should -Be 'alpha'
        ($rows.Id | Sort-Object) | Should -Be @(Invoke-TestSql -Database $repo.Name @"
SELECT a.id FROM pgperf.performance_alerts a JOIN pgperf.monitored_servers s USING (server_id)
 WHERE s.name = 'alpha' AND a.resolved_at IS NULL ORDER BY 1
"@ | ForEach-Object { [long]$_ })

        $down = @(Get-PgPerfAlert -Repository $r -Server 'do*' -Type job_failure)
        $down.Count | Should -Be 5
        ($down.Server | Sort-Object -Unique) | Should -Be 'down'

        # every server's, with their names
        $all = @(Get-PgPerfAlert -Repository $r -Open)
        ($all.Server | Sort-Object -Unique) | Should -Be @('alpha', 'down')
    }

    It 'resolves a server''s alert in the repository through the pipe' {
        $alert = @(Get-PgPerfAlert -Repository $r -Server alpha -Type sequence_exhaustion)
        $alert.Count | Should -Be 1
        $resolved = @($alert | Resolve-PgPerfAlert -ResolvedBy 'oncall' -Confirm:$false)
        $resolved.Count | Should -Be 1
        $resolved[0].Server | Should -Be 'alpha'
        $resolved[0].ResolvedBy | Should -Be 'oncall'
        Invoke-TestSql -Database $repo.Name "SELECT resolved_by || '|' || (resolved_at IS NOT NULL) FROM pgperf.performance_alerts WHERE id = $($alert[0].Id)" |
            Should -Be 'oncall|true'
        # the other server's alerts are untouched
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.performance_alerts a JOIN pgperf.monitored_servers s USING (server_id) WHERE s.name = 'down' AND resolved_at IS NULL" |
            Should -Be '5'
    }

    It 'refuses to resolve another server''s alert by its id' {
        $downId = (Get-PgPerfAlert -Repository $r -Server down -Top 1).Id
        { Resolve-PgPerfAlert -Repository $r -Server alpha -Id $downId -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Alert.NotFound*'
        Invoke-TestSql -Database $repo.Name "SELECT resolved_at IS NULL FROM pgperf.performance_alerts WHERE id = $downId" | Should -Be 't'
    }

    It 'keeps one open alert per server for the same condition, and resolves each server''s when its cause is gone' {
        # now beta's sequence is as full as alpha's: the same dedup key on two servers is two open alerts
        Invoke-TestSql -Database $beta.Name "SELECT setval('accounts_id_seq', 2100000000)" | Out-Null
        Invoke-Hourly | Out-Null
        Get-StoredAlerts "a.alert_type = 'sequence_exhaustion' AND a.resolved_at IS NULL" | Should -Be @(
            'alpha|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|open',
            'beta|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|open')
        # a second run counts the same alerts again, it opens no new ones
        Invoke-Hourly | Out-Null
        Invoke-TestSql -Database $repo.Name "SELECT string_agg(occurrences::text, ',' ORDER BY server_id) FROM pgperf.performance_alerts WHERE alert_type = 'sequence_exhaustion' AND resolved_at IS NULL" |
            Should -Be '2,2'

        # alpha's cause is gone: its alert resolves itself, beta's stays open
        Invoke-TestSql -Database $alpha.Name "SELECT setval('accounts_id_seq', 10)" | Out-Null
        Invoke-Hourly | Out-Null
        Get-StoredAlerts "a.alert_type = 'sequence_exhaustion' AND a.resolved_by IS DISTINCT FROM 'oncall'" | Should -Be @(
            'alpha|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|auto',
            'beta|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|open')
    }

    It 'judges each registered server''s indexes in the daily job, and resolves the alerts of indexes no longer to drop per server' {
        # An unused_index alert left open for alpha and for beta (same key): neither index has the history to be judged
        # ConsiderDropping, so the daily job's per-server step resolves each, as that server's; the repository's own
        # (server 0) alert of that key is resolved by its own step.
        Invoke-TestSql -Database $repo.Name @"
SELECT pgperf.create_server_alert(s.server_id, 'unused_index', 'warning', 'public.accounts_pkey', 'stale', '{}', 'unused_index:public.accounts_pkey')
  FROM pgperf.monitored_servers s WHERE s.name IN ('alpha', 'beta');
"@ | Out-Null
        $result = Invoke-PgDailyMaintenance -Repository $r -WarningAction SilentlyContinue
        $step = $result.Steps | Where-Object Name -eq 'unused indexes of registered servers'
        $step.Status | Should -Be 'Succeeded'
        $step.Message | Should -Match '^3 server\(s\)'
        Get-StoredAlerts "a.alert_type = 'unused_index'" | Should -Be @(
            'alpha|unused_index|unused_index:public.accounts_pkey|auto', 'beta|unused_index|unused_index:public.accounts_pkey|auto')
        # (the in-database daily job has no such step: Operations.Tests.ps1 checks its step names)
    }

    It 'raises high_bloat for the server whose latest bloat snapshot shows it, and resolves it when the table is gone' {
        # beta alone gets a table with three rows in four deleted (autovacuum off keeps them dead)
        Invoke-TestSql -Database $beta.Name "CREATE TABLE ledger (id int, note text) WITH (autovacuum_enabled = off); INSERT INTO ledger SELECT g, repeat('x', 100) FROM generate_series(1, 60000) g; DELETE FROM ledger WHERE id % 4 <> 0" | Out-Null
        $run = @(Invoke-PgHourlyMonitoring -Repository $r -Server beta -WarningAction SilentlyContinue)
        ($run.Steps | Where-Object Name -eq 'high bloat').Status | Should -Be 'Succeeded'
        # what the rule must flag (over 20 % and at least 1 MB wasted, the spec's thresholds): beta's latest stored snapshot, in SQL
        $over = @(Invoke-TestSql -Database $repo.Name @"
SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pgperf.table_bloat_snapshots s
 WHERE server_id = (SELECT server_id FROM pgperf.monitored_servers WHERE name = 'beta') AND table_kind <> 'PartitionedTable'
   AND captured_at = (SELECT max(m.captured_at) FROM pgperf.table_bloat_snapshots m WHERE m.server_id = s.server_id)
   AND bloat_ratio > 20 AND bloat_bytes >= 1048576 ORDER BY 1
"@)
        $over | Should -Contain 'public.ledger'
        Get-StoredAlerts "a.alert_type = 'high_bloat' AND a.resolved_at IS NULL" | Should -Be @($over | ForEach-Object { "beta|high_bloat|high_bloat:$_|open" })
        # gone: beta's next run resolves its alert
        Invoke-TestSql -Database $beta.Name 'DROP TABLE ledger' | Out-Null
        Invoke-PgHourlyMonitoring -Repository $r -Server beta -WarningAction SilentlyContinue | Out-Null
        Get-StoredAlerts "a.dedup_key = 'high_bloat:public.ledger'" | Should -Be 'beta|high_bloat|high_bloat:public.ledger|auto'
    }

    It 'deletes a server''s alerts with the server' {
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.performance_alerts a JOIN pgperf.monitored_servers s USING (server_id) WHERE s.name = 'down'" |
            Should -Be '5'
        $downId = Invoke-TestSql -Database $repo.Name "SELECT server_id FROM pgperf.monitored_servers WHERE name = 'down'"
        Get-PgPerfServer -Repository $r -Name down | Remove-PgPerfServer -Confirm:$false
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.performance_alerts WHERE server_id = $downId" | Should -Be '0'
        Get-StoredAlerts "s.name = 'beta' AND a.resolved_at IS NULL" | Should -Be @('beta|sequence_exhaustion|sequence_exhaustion:public.accounts_id_seq|open')
    }

    It 'gives -Server without -Repository its error' {
        { Get-PgPerfAlert -Connection $r -Server alpha -ErrorAction Stop } | Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository*'
        { Resolve-PgPerfAlert -Connection $r -Server alpha -Id 1 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository*'
    }
}
