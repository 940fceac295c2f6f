BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null

    # Holds a job's advisory lock from another session (a psql process) until Stop is called.
    function Start-LockHolder([long] $Key) {
        $info = [System.Diagnostics.ProcessStartInfo]::new('psql')
        foreach ($a in '-X', '-q', '-h', (Get-TestConnectionPart 'Host'), '-p', (Get-TestConnectionPart 'Port'), '-U', (Get-TestConnectionPart 'Username'),
            '-d', $db.Name, '-c', "SELECT pg_advisory_lock($Key)", '-c', 'SELECT pg_sleep(120)') { $info.ArgumentList.Add($a) }
        $info.Environment['PGPASSWORD'] = Get-TestConnectionPart 'Password'
        $info.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($info)
        while ((Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid::bigint = $($Key -band 4294967295) AND granted") -ne '1') {
            if ($process.HasExited) { throw 'psql exited before taking the lock.' }
            Start-Sleep -Milliseconds 100
        }
        $process
    }
}

AfterAll {
    Remove-TestDatabase $script:db
}

Describe 'Get-PgPerfAlert and Resolve-PgPerfAlert' -Tag 'Integration' {
    BeforeAll {
        Invoke-TestSql -Database $db.Name @"
SELECT pgperf.create_performance_alert('slow_query', 'critical', 'q-aaa', 'GET /orders took 1200 ms', '{"query_hash": "aaa", "p95_ms": 1200}');
SELECT pgperf.create_performance_alert('slow_query', 'critical', 'q-aaa', 'GET /orders took 1300 ms', '{"query_hash": "aaa", "p95_ms": 1300}');
SELECT pgperf.create_performance_alert('unused_index', 'warning', 'public.ix_orders_note', 'unused for 45 days');
SELECT pgperf.create_performance_alert('table_bloat', 'info', 'public.audit', '12 % bloat');
UPDATE pgperf.performance_alerts SET last_seen_at = now() - interval '10 days', first_seen_at = now() - interval '10 days' WHERE subject = 'public.audit';
"@ | Out-Null
    }

    It 'returns typed alerts with counts and details, newest first' {
        $all = @(Get-PgPerfAlert -Connection $cs)
        $all.Count | Should -Be 3
        $all[0] | Should -BeOfType ([PgPerf.PgPerfAlert])
        $all.Subject | Should -Be @('public.ix_orders_note', 'q-aaa', 'public.audit')
        $slow = $all | Where-Object Type -eq 'slow_query'
        $slow.Occurrences | Should -Be 2
        $slow.Severity | Should -Be 'Critical'
        $slow.Details.query_hash | Should -Be 'aaa'
        $slow.Details.p95_ms | Should -Be 1300
        $slow.IsOpen | Should -BeTrue
        ($slow | ConvertTo-Json -Depth 4 | ConvertFrom-Json).Details.p95_ms | Should -Be 1300
    }

    It 'filters by -Type, -Severity, -Since and -Top' {
        (Get-PgPerfAlert -Connection $cs -Type unused_index).Subject | Should -Be 'public.ix_orders_note'
        (Get-PgPerfAlert -Connection $cs -Severity Critical, Info).Subject | Should -Be @('q-aaa', 'public.audit')
        @(Get-PgPerfAlert -Connection $cs -Since (Get-Date).AddDays(-1)).Count | Should -Be 2
        @(Get-PgPerfAlert -Connection $cs -Top 1).Subject | Should -Be 'public.ix_orders_note'
    }

    It 'resolves alerts from the pipeline, and -WhatIf changes nothing' {
        Get-PgPerfAlert -Connection $cs -Type table_bloat | Resolve-PgPerfAlert -WhatIf
        @(Get-PgPerfAlert -Connection $cs -Open).Count | Should -Be 3

        $resolved = Get-PgPerfAlert -Connection $cs -Type table_bloat | Resolve-PgPerfAlert -ResolvedBy 'ops-oncall'
        $resolved.IsOpen | Should -BeFalse
        $resolved.ResolvedBy | Should -Be 'ops-oncall'
        $resolved.ResolvedAt | Should -Not -BeNullOrEmpty
        (Get-PgPerfAlert -Connection $cs -Open).Subject | Should -Not -Contain 'public.audit'
        Invoke-TestSql -Database $db.Name "SELECT resolved_by FROM pgperf.performance_alerts WHERE subject = 'public.audit'" | Should -Be 'ops-oncall'
    }

    It 'reports an unknown id as PgPerf.Alert.NotFound and still resolves the others' {
        $open = Get-PgPerfAlert -Connection $cs -Type unused_index
        $out = Resolve-PgPerfAlert -Connection $cs -Id 424242, $open.Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Alert.NotFound,*'
        $errs[0].Exception.Message | Should -Match '424242'
        $out.Id | Should -Be $open.Id
        $out.IsOpen | Should -BeFalse
    }

    It 'refuses an unknown severity' {
        { Get-PgPerfAlert -Connection $cs -Severity Urgent } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,PgPerf.Commands.GetPgPerfAlertCommand'
    }
}

Describe 'Invoke-PgPerfRetention' -Tag 'Integration' {
    BeforeAll {
        Invoke-TestSql -Database $db.Name @"
TRUNCATE pgperf.query_performance_logs;
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms)
    SELECT now() - interval '45 days', 'SELECT old', 5 FROM generate_series(1, 3000)
    UNION ALL SELECT now() - interval '2 days', 'SELECT recent', 5 FROM generate_series(1, 100);
"@ | Out-Null
    }

    It '-WhatIf counts what it would delete and deletes nothing' {
        $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
Invoke-PgPerfRetention -Connection '$cs' -WhatIf
"@
        $out.Output | Should -Match 'Delete 3,000 row\(s\) logged before .* in batches of 5,000.*pgperf\.query_performance_logs'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.query_performance_logs' | Should -Be '3100'
    }

    It 'deletes old rows in batches, keeps recent ones and warns that VACUUM is due' {
        $r = Invoke-PgPerfRetention -Connection $cs -BatchSize 1000 -WarningVariable warnings -WarningAction SilentlyContinue
        $r | Should -BeOfType ([PgPerf.PgRetentionResult])
        $log = $r.Tables | Where-Object Table -eq 'pgperf.query_performance_logs'
        $log.RowsDeleted | Should -Be 3000
        $log.Batches | Should -Be 4
        $log.VacuumDue | Should -BeTrue
        $r.TotalRowsDeleted | Should -Be 3000
        "$warnings" | Should -Match 'VACUUM is due on pgperf\.query_performance_logs'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.query_performance_logs' | Should -Be '100'
    }

    It 'rejects <Name> <Value> naming the parameter' -ForEach @(
        @{ Name = 'QueryLogDays'; Value = 0 }
        @{ Name = 'SnapshotDays'; Value = -5 }
        @{ Name = 'AlertDays'; Value = 100000 }
        @{ Name = 'BatchSize'; Value = 0 }
    ) {
        $params = @{ Connection = $cs; $Name = $Value }
        $err = { Invoke-PgPerfRetention @params } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match $Name
    }
}

Describe 'Invoke-PgHourlyMonitoring and Invoke-PgDailyMaintenance' -Tag 'Integration' {
    It 'runs every step and returns a typed result' {
        Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) SELECT now() - interval '20 days', 'x', 1 FROM generate_series(1, 10)" | Out-Null
        $r = Invoke-PgDailyMaintenance -Connection $cs -QueryLogDays 14
        $r | Should -BeOfType ([PgPerf.PgJobResult])
        $r.Job | Should -Be 'Daily'
        $r.Succeeded | Should -BeTrue
        $r.Steps.Name | Should -Be @('unused indexes', 'high bloat', 'retention', 'job failure alerts')
        ($r.Steps | Where-Object Name -eq 'retention').Count | Should -Be 10
        $r.Steps.Status | Should -Not -Contain 'Failed'
        # PgPerf leaves its own schema out of snapshots, so give the jobs an application table to see.
        Invoke-TestSql -Database $db.Name 'CREATE TABLE IF NOT EXISTS app_orders (id int PRIMARY KEY, note text); CREATE INDEX IF NOT EXISTS app_orders_note ON app_orders (note); INSERT INTO app_orders SELECT g, md5(g::text) FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING; ANALYZE app_orders' | Out-Null
        $hourly = Invoke-PgHourlyMonitoring -Connection $cs
        $hourly.Succeeded | Should -BeTrue
        $hourly.Steps.Name | Should -Be @('index snapshot', 'bloat snapshot', 'query partitions', 'query rollups', 'query performance', 'statement snapshot', 'statement regressions', 'health alerts', 'job failure alerts')
        $indexRows = ($hourly.Steps | Where-Object Name -eq 'index snapshot').Count
        $indexRows | Should -BeGreaterOrEqual 2
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots WHERE captured_at = (SELECT max(captured_at) FROM pgperf.index_usage_snapshots)' | Should -Be "$indexRows"
        ($hourly.Steps | Where-Object Name -eq 'bloat snapshot').Count | Should -BeGreaterThan 0
    }

    It 'skips a run while another run holds the lock' {
        $holder = Start-LockHolder 0x5047504552460101   # the daily job's key
        try {
            $r = Invoke-PgDailyMaintenance -Connection $cs
            $r.Steps.Count | Should -Be 1
            $r.Steps[0].Status | Should -Be 'Skipped'
            $r.Steps[0].Message | Should -Be 'another run holds the lock'
            $r.Succeeded | Should -BeTrue
            (Invoke-PgHourlyMonitoring -Connection $cs).Steps[0].Status | Should -Be 'Succeeded'
        } finally {
            # The server notices a killed client only after pg_sleep ends, so end the session itself.
            Invoke-TestSql -Database $db.Name "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid::bigint = $(0x5047504552460101 -band 4294967295)" | Out-Null
            $holder.WaitForExit()
        }
    }

    Context 'when a step fails' {
        BeforeAll {
            $script:broken = New-TestDatabase
            Install-PgPerfSchema -Connection $broken.ConnectionString | Out-Null
            Invoke-TestSql -Database $broken.Name 'ALTER TABLE pgperf.table_bloat_snapshots RENAME COLUMN captured_at TO taken_at' | Out-Null
        }
        AfterAll { Remove-TestDatabase $script:broken }

        It 'reports the failed step, writes PgPerf.Job.StepFailed and opens a job_failure alert' {
            $r = Invoke-PgDailyMaintenance -Connection $broken.ConnectionString -ErrorVariable errs -ErrorAction SilentlyContinue
            $r.Succeeded | Should -BeFalse
            $step = $r.Steps | Where-Object Name -eq 'retention'
            $step.Status | Should -Be 'Failed'
            $step.Error | Should -Match 'captured_at'
            ($r.Steps | Where-Object Name -eq 'job failure alerts').Status | Should -Be 'Succeeded'
            # The bloat step writes the same broken table, so it fails too; the index step still runs and passes.
            ($r.Steps | Where-Object Name -eq 'unused indexes').Status | Should -Be 'Succeeded'
            $failedSteps = @($r.Steps | Where-Object Status -eq 'Failed')
            $failedSteps.Name | Should -Be @('high bloat', 'retention')
            $errs.Count | Should -Be $failedSteps.Count
            $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Job.StepFailed,*' }
            $alerts = Get-PgPerfAlert -Connection $broken.ConnectionString -Type job_failure -Open
            $alerts.Subject | Sort-Object | Should -Be @('daily job: high bloat', 'daily job: retention')
            ($alerts | Where-Object Subject -eq 'daily job: retention').Details.step | Should -Be 'retention'
        }

        It 'makes pwsh exit 1 with the pattern the scheduled entries use, and 0 when all steps pass' {
            $failed = Invoke-FreshPwsh @"
`$PSStyle.OutputRendering = 'PlainText'
Import-Module '$script:ModulePath'
Invoke-PgDailyMaintenance -Connection '$($broken.ConnectionString)'; if (-not `$?) { exit 1 }
"@
            $failed.ExitCode | Should -Be 1
            $failed.Output | Should -Match 'Succeeded\s*:\s*False'
            $failed.Output | Should -Match 'StepFailed|failed'
            $failed.Output | Should -Match 'retention: Failed' 

            $ok = Invoke-FreshPwsh @"
`$PSStyle.OutputRendering = 'PlainText'
Import-Module '$script:ModulePath'
Invoke-PgDailyMaintenance -Connection '$cs'; if (-not `$?) { exit 1 }
"@
            $ok.ExitCode | Should -Be 0
            $ok.Output | Should -Match 'retention: Succeeded'
        }
    }
}
