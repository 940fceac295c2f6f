# Fault tests against the real throwaway server: outages, locks, statement timeouts, concurrent jobs and a
# damaged spool. The server is shared by the whole suite: every outage is short and always ends in a finally.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:ServerScript = Join-Path $script:RepoRoot 'tests/server/TestServer.ps1'

    function New-SpoolFolder {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-rel-spool-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        (New-Item -ItemType Directory -Path $path).FullName
    }

    # Starts psql in the background (a second application session); returns the process.
    function Start-SqlSession([string] $Database, [string] $Sql) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('psql')
        foreach ($a in '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', (Get-TestConnectionPart 'Host'), '-p', (Get-TestConnectionPart 'Port'),
            '-U', (Get-TestConnectionPart 'Username'), '-d', $Database, '-c', $Sql) { $psi.ArgumentList.Add($a) }
        $psi.Environment['PGPASSWORD'] = Get-TestConnectionPart 'Password'
        $app = 'reliability-app-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $psi.Environment['PGAPPNAME'] = $app
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        $process | Add-Member -NotePropertyName AppName -NotePropertyValue $app -PassThru | Add-Member -NotePropertyName Database -NotePropertyValue $Database -PassThru
    }

    # Ends the session on the server too: a backend inside pg_sleep() would keep its locks after psql is killed.
    function Stop-SqlSession([System.Diagnostics.Process] $Process) {
        if (-not $Process) { return }
        Invoke-TestSql -Database $Process.Database "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$($Process.AppName)'" | Out-Null
        if (-not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds = 30, [string] $What = 'the condition') {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) { return }
            Start-Sleep -Milliseconds 100
        }
        throw "Timed out after $Seconds s waiting for $What."
    }

    # Brings the server back if a failed test left it stopped.
    function Confirm-ServerUp {
        try { Invoke-TestSql 'SELECT 1' | Out-Null } catch { Resume-PgPerfTestServer }
    }

    function ConvertFrom-LastJsonLine([string] $Output) {
        $line = ($Output -split "`n" | Where-Object { $_ -match '^\{' } | Select-Object -Last 1)
        if (-not $line) { throw "No JSON result in the output:`n$Output" }
        $line | ConvertFrom-Json
    }
}

Describe 'Reliability: the server stops while Send-PgQueryLog streams 50,000 records' -Tag 'Reliability', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_rel'
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:spool = New-SpoolFolder
    }
    AfterAll {
        Confirm-ServerUp
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'every record arrives exactly once and the caller''s script keeps running' {
        # A real caller's script in its own process. A thread stops the server while the pipeline runs (so a batch
        # can be cut in the middle of its COPY); the pipeline brings it back 20,000 records later.
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModulePath'
. '$script:ServerScript'
`$stopper = `$null; `$resumed = `$false
try {
    1..50000 | ForEach-Object {
        if (`$_ -eq 12000) { `$stopper = Start-ThreadJob -ScriptBlock { param(`$f) . `$f; Suspend-PgPerfTestServer } -ArgumentList '$script:ServerScript' }
        if (`$_ -eq 32000) { `$stopper | Wait-Job | Receive-Job | Out-Null; Resume-PgPerfTestServer; `$resumed = `$true }
        [pscustomobject]@{ query_text = 'checkout.submit'; duration_ms = 3 + (`$_ % 50); endpoint = '/api/checkout'; user_id = "u`$_" }
    } | Send-PgQueryLog -Connection '$($db.ConnectionString)' -SpoolPath '$script:spool' -AlertThresholdMs 0 -WarningVariable warns -WarningAction SilentlyContinue -ErrorVariable errs
} finally {
    if (-not `$resumed) { if (`$stopper) { `$stopper | Wait-Job | Out-Null }; Resume-PgPerfTestServer }
}
`$after = 'the script went on'
[pscustomobject]@{ After = `$after; Warnings = @(`$warns | ForEach-Object { "`$_" }); Errors = @(`$errs | ForEach-Object { "`$_" }) } | ConvertTo-Json -Compress
"@
        $run = Invoke-FreshPwsh $script
        Confirm-ServerUp
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $result = ConvertFrom-LastJsonLine $run.Output
        $result.After | Should -Be 'the script went on'
        $result.Errors | Should -BeNullOrEmpty
        # The outage was seen (records went to the spool) ...
        ($result.Warnings -join "`n") | Should -Match 'saved to the spool'
        # ... and every record is in the table exactly once, with nothing left behind in the spool.
        Invoke-TestSql -Database $db.Name "SELECT count(*), count(DISTINCT user_id), count(DISTINCT record_id) FROM pgperf.query_performance_logs WHERE query_text = 'checkout.submit'" |
            Should -Be '50000|50000|50000'
        @(Get-ChildItem $script:spool -Filter 'querylog-*.jsonl').Count | Should -Be 0
    }
}

Describe 'Reliability: the server is unreachable during Invoke-PgHourlyMonitoring' -Tag 'Reliability', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_rel'
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        Invoke-TestSql -Database $db.Name 'CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, ''n'' FROM generate_series(1, 100) g; ANALYZE orders' | Out-Null
    }
    AfterAll {
        Confirm-ServerUp
        Remove-TestDatabase $script:db
    }

    It 'reports every step failed with the reason, exits 1 as a scheduled entry, and the next run succeeds by itself' {
        # One long-lived process (a runbook host): a good run warms the pool, the server goes away, comes back.
        $script = @"
`$ErrorActionPreference = 'Continue'
Import-Module '$script:ModulePath'
. '$script:ServerScript'
`$cs = '$($db.ConnectionString)'
`$before = Invoke-PgHourlyMonitoring -Connection `$cs
Suspend-PgPerfTestServer
try {
    `$down = Invoke-PgHourlyMonitoring -Connection `$cs -ErrorVariable downErrors -ErrorAction SilentlyContinue
    `$downOk = `$?
} finally { Resume-PgPerfTestServer }
`$after = Invoke-PgHourlyMonitoring -Connection `$cs -ErrorVariable afterErrors
`$afterOk = `$?
[pscustomobject]@{
    Before = @(`$before.Steps | ForEach-Object { "`$(`$_.Name)=`$(`$_.Status)" })
    Down = @(`$down.Steps | ForEach-Object { [pscustomobject]@{ Name = `$_.Name; Status = "`$(`$_.Status)"; ErrorId = `$_.ErrorId; Error = `$_.Error } })
    DownOk = `$downOk; DownErrors = @(`$downErrors | ForEach-Object { `$_.FullyQualifiedErrorId })
    After = @(`$after.Steps | ForEach-Object { "`$(`$_.Name)=`$(`$_.Status)" }); AfterOk = `$afterOk; AfterErrors = @(`$afterErrors).Count
} | ConvertTo-Json -Compress -Depth 4
"@
        $run = Invoke-FreshPwsh $script
        Confirm-ServerUp
        $r = ConvertFrom-LastJsonLine $run.Output
        $r.Before | Should -Be @('index snapshot=Succeeded', 'bloat snapshot=Succeeded', 'query partitions=Succeeded', 'query rollups=Succeeded', 'query performance=Succeeded', 'statement snapshot=Succeeded', 'statement regressions=Succeeded', 'health alerts=Succeeded', 'job failure alerts=Succeeded')

        $r.Down.Name | Should -Be @('index snapshot', 'bloat snapshot', 'query partitions', 'query rollups', 'query performance', 'statement snapshot', 'statement regressions', 'health alerts', 'job failure alerts')
        foreach ($step in $r.Down) {
            $step.Status | Should -Be 'Failed'
            $step.ErrorId | Should -Be 'PgPerf.Connection.Failed'
            $step.Error | Should -Match ([regex]::Escape((Get-TestConnectionPart 'Host')) + ':' + (Get-TestConnectionPart 'Port'))
        }
        $r.DownOk | Should -BeFalse
        @($r.DownErrors | Where-Object { $_ -like 'PgPerf.Job.StepFailed,*' }).Count | Should -Be 9

        # No cleanup in between: the same process's next run captures again.
        $r.After | Should -Be @('index snapshot=Succeeded', 'bloat snapshot=Succeeded', 'query partitions=Succeeded', 'query rollups=Succeeded', 'query performance=Succeeded', 'statement snapshot=Succeeded', 'statement regressions=Succeeded', 'health alerts=Succeeded', 'job failure alerts=Succeeded')
        $r.AfterOk | Should -BeTrue
        Invoke-TestSql -Database $db.Name 'SELECT count(DISTINCT captured_at) FROM pgperf.index_usage_snapshots' | Should -Be '2'
    }

    It 'the scheduled entry''s command exits 1 while the server is down and 0 once it is back' {
        $entry = "Import-Module '$script:ModulePath'; Invoke-PgHourlyMonitoring -Connection '$($db.ConnectionString)'; if (-not `$?) { exit 1 }"
        Suspend-PgPerfTestServer
        try {
            $down = Invoke-FreshPwsh $entry
        } finally { Resume-PgPerfTestServer }
        $down.ExitCode | Should -Be 1
        # Error text wraps at the console width: compare it with the wrapping taken out.
        $text = $down.Output -replace '\x1b\[[0-9;]*m', '' -replace '\s*\n\s*\|?\s*', ' '
        $text | Should -Match "step 'index snapshot' failed \(PgPerf\.Connection\.Failed\): Could not connect to PostgreSQL at"
        $text | Should -Match "step 'job failure alerts' failed \(PgPerf\.Connection\.Failed\)"

        $up = Invoke-FreshPwsh $entry
        $up.ExitCode | Should -Be 0 -Because $up.Output
    }
}

Describe 'Reliability: locks and statement timeouts during bloat and index snapshots' -Tag 'Reliability', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_rel'
        $script:cs = $db.ConnectionString
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name @'
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE TABLE orders_locked (id bigint PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
INSERT INTO orders_locked SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;
DELETE FROM orders_locked WHERE id % 5 <> 0;
CREATE INDEX orders_locked_note ON orders_locked (note);
CREATE TABLE orders_free (id bigint PRIMARY KEY, note text) WITH (autovacuum_enabled = off);
INSERT INTO orders_free SELECT g, repeat('y', 200) FROM generate_series(1, 20000) g;
DELETE FROM orders_free WHERE id % 5 <> 0;
ANALYZE orders_locked; ANALYZE orders_free;
CREATE TABLE orders_busy (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
CREATE TABLE app_write_latency (ms double precision NOT NULL, at timestamptz NOT NULL);
CREATE PROCEDURE app_writer(n int) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
    FOR i IN 1..n LOOP
        t0 := clock_timestamp();
        INSERT INTO orders_busy (note) VALUES ('w');
        INSERT INTO app_write_latency VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000, clock_timestamp());
        COMMIT;
        PERFORM pg_sleep(0.02);
    END LOOP;
END $$;
'@ | Out-Null
        $script:lockHeld = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name LIKE 'reliability-app-%' AND l.granted AND l.relation = 'orders_locked'::regclass AND l.mode = 'AccessExclusiveLock'"
    }
    AfterAll {
        Remove-TestDatabase $script:db
    }

    It 'a bloat snapshot skips the locked table within its lock_timeout and says so; the index snapshot does not wait' {
        $holder = Start-SqlSession $db.Name 'BEGIN; LOCK TABLE orders_locked IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;'
        try {
            Wait-Until { (Invoke-TestSql -Database $db.Name $script:lockHeld) -eq '1' } -What 'the lock on orders_locked'
            $bloat = Invoke-PgBloatSnapshot -Connection $cs -ConfirmAbovePercent 20
            $index = Invoke-PgIndexSnapshot -Connection $cs
            # Both came back while the lock is still held: they did not wait for it.
            Invoke-TestSql -Database $db.Name $script:lockHeld | Should -Be '1'
        } finally { Stop-SqlSession $holder }

        $bloat.Skipped | Should -Be @('public.orders_locked (locked)')
        # The other bloated table was confirmed; the locked one kept its estimate, sized from the catalog.
        Invoke-TestSql -Database $db.Name "SELECT tablename, method FROM pgperf.table_bloat_snapshots WHERE tablename IN ('orders_free', 'orders_locked') ORDER BY 1" |
            Should -Be @('orders_free|Approx', 'orders_locked|Estimate')
        Invoke-TestSql -Database $db.Name "SELECT 'SizeFromCatalog' = ANY (flags) FROM pgperf.table_bloat_snapshots WHERE tablename = 'orders_locked'" | Should -Be 't'
        $index.Count | Should -Be 4
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE indexname = 'orders_locked_note'" | Should -Be '1'
    }

    It 'a statement timeout on one table''s measurement names that table and the others are still measured' {
        $holder = Start-SqlSession $db.Name 'BEGIN; LOCK TABLE orders_locked IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;'
        try {
            Wait-Until { (Invoke-TestSql -Database $db.Name $script:lockHeld) -eq '1' } -What 'the lock on orders_locked'
            # statement_timeout (1 s) fires before the measurement's own lock_timeout (5 s).
            $limited = "$cs;Options=-c statement_timeout=1000"
            $rows = Get-PgTableBloat -Connection $limited -Table orders_locked, orders_free -Method Approx -ErrorVariable errs -ErrorAction SilentlyContinue
            Invoke-TestSql -Database $db.Name $script:lockHeld | Should -Be '1'
        } finally { Stop-SqlSession $holder }

        @($rows).Count | Should -Be 1
        $rows.Table | Should -Be 'orders_free'
        $rows.Method | Should -Be 'Approx'
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Timeout,*'
        $errs[0].Exception.Message | Should -Match '^public\.orders_locked was not measured: .*statement timeout'
        $errs[0].TargetObject | Should -Be 'public.orders_locked'
    }

    It 'never blocks application writes: a writer''s INSERT latency stays low while snapshots run next to a long transaction' {
        Invoke-TestSql -Database $db.Name 'TRUNCATE app_write_latency' | Out-Null
        # An open application transaction holds a write lock on orders_busy; a writer commits an INSERT every 20 ms.
        $longTx = Start-SqlSession $db.Name "BEGIN; INSERT INTO orders_busy (note) VALUES ('long'); SELECT pg_sleep(6); COMMIT;"
        $writer = $null
        try {
            Wait-Until { (Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = '$($longTx.AppName)' AND l.relation = 'orders_busy'::regclass AND l.granted") -ne '0' } -What 'the long transaction'
            $writer = Start-SqlSession $db.Name 'CALL app_writer(150)'
            Wait-Until { [int](Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM app_write_latency') -ge 5 } -What 'the writer to start'
            $from = Invoke-TestSql -Database $db.Name 'SELECT clock_timestamp()'
            $bloat = Invoke-PgBloatSnapshot -Connection $cs -ConfirmAbovePercent 0
            Invoke-PgIndexSnapshot -Connection $cs | Out-Null
            Get-PgTableBloat -Connection $cs -Table orders_busy -Method Exact | Out-Null
            $to = Invoke-TestSql -Database $db.Name 'SELECT clock_timestamp()'
            $writer.WaitForExit(60000) | Should -BeTrue
            $writer.ExitCode | Should -Be 0 -Because $writer.StandardError.ReadToEnd()
        } finally { Stop-SqlSession $writer; Stop-SqlSession $longTx }

        $bloat.Skipped | Should -BeNullOrEmpty
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM app_write_latency' | Should -Be '150'
        # Writes went on while the snapshots ran ...
        [int](Invoke-TestSql -Database $db.Name "SELECT count(*) FROM app_write_latency WHERE at BETWEEN '$from' AND '$to'") | Should -BeGreaterThan 0
        # ... and none waited anywhere near the long transaction (6 s): the bound is the confirmations' lock_timeout (200 ms) plus scheduling noise.
        [double](Invoke-TestSql -Database $db.Name 'SELECT max(ms) FROM app_write_latency') | Should -BeLessThan 2000
    }
}

Describe 'Reliability: two hourly runs at once' -Tag 'Reliability', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_rel'
        $script:cs = $db.ConnectionString
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name 'CREATE TABLE t1 (id int PRIMARY KEY); CREATE INDEX t1_x ON t1 ((id % 7))' | Out-Null
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'one captures, the other reports it skipped' {
        # Hold the first run inside its index snapshot (the snapshot table is locked), so the runs surely overlap.
        $holder = Start-SqlSession $db.Name 'BEGIN; LOCK TABLE pgperf.index_usage_snapshots IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;'
        $first = $null; $second = $null
        try {
            Wait-Until { (Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_locks WHERE relation = 'pgperf.index_usage_snapshots'::regclass AND granted AND mode = 'AccessExclusiveLock'") -eq '1' } -What 'the lock on the snapshot table'
            $modulePath = $script:ModulePath; $conn = $script:cs
            $first = Start-ThreadJob { Import-Module $using:modulePath; Invoke-PgHourlyMonitoring -Connection $using:conn }
            Wait-Until { (Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'PgPerf' AND datname = '$($db.Name)' AND wait_event_type = 'Lock'") -eq '1' } -What 'the first run to wait inside its snapshot'
            $second = Start-ThreadJob { Import-Module $using:modulePath; Invoke-PgHourlyMonitoring -Connection $using:conn }
            $second | Wait-Job -Timeout 30 | Out-Null
            $second.State | Should -Be 'Completed' -Because 'the second run must not wait for the first'
        } finally {
            Stop-SqlSession $holder
            if ($first) { $first | Wait-Job -Timeout 60 | Out-Null }
        }
        $one = $first | Receive-Job
        $two = $second | Receive-Job
        $first, $second | Remove-Job -Force

        $one.Succeeded | Should -BeTrue
        ($one.Steps | Where-Object Name -eq 'index snapshot').Count | Should -BeGreaterThan 0
        $two.Steps.Count | Should -Be 1
        $two.Steps[0].Status | Should -Be 'Skipped'
        $two.Steps[0].Message | Should -Be 'another run holds the lock'
        Invoke-TestSql -Database $db.Name 'SELECT count(DISTINCT captured_at) FROM pgperf.index_usage_snapshots' | Should -Be '1'
    }
}

Describe 'Reliability: a corrupt or half-written spool file' -Tag 'Reliability', 'Integration' {
    BeforeAll {
        # No schema yet: sends are spooled (NotInstalled is an outage to the writer), which gives a real spool file.
        $script:db = New-TestDatabase 'pgperf_rel'
        $script:cs = $db.ConnectionString
        $script:spool = New-SpoolFolder
    }
    AfterAll {
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'replays the good records, reports the bad lines by number and keeps them' {
        1..4 | ForEach-Object { [pscustomobject]@{ query_text = "good.$_"; duration_ms = $_ } } |
            Send-PgQueryLog -Connection $cs -SpoolPath $spool -WarningAction SilentlyContinue
        $file = @(Get-ChildItem $spool -Filter 'querylog-*.jsonl')[0].FullName
        $lines = @(Get-Content $file)
        $lines.Count | Should -Be 4
        # Damage: line 2 overwritten with garbage, line 3 valid JSON with an impossible duration, and a power cut
        # in the middle of writing line 5.
        $bad3 = $lines[2] -replace '"duration_ms":3', '"duration_ms":-3'
        $bad3 | Should -Not -Be $lines[2]
        $torn = $lines[3].Substring(0, 40)
        [System.IO.File]::WriteAllText($file, ($lines[0], "`u{0}`u{0}garbage{", $bad3, $lines[3]) -join "`n")
        [System.IO.File]::AppendAllText($file, "`n" + $torn)

        # Another send while the database still cannot take records: it must start on a new line, not glue onto the torn one.
        Send-PgQueryLog -Connection $cs -QueryText 'good.after-crash' -DurationMs 9 -SpoolPath $spool -WarningAction SilentlyContinue
        (Get-Content $file)[-1] | Should -Match '"query_text":"good.after-crash"'

        Install-PgPerfSchema -Connection $cs | Out-Null
        Send-PgQueryLog -Connection $cs -QueryText 'good.trigger' -DurationMs 1 -SpoolPath $spool -WarningVariable w -WarningAction SilentlyContinue

        Invoke-TestSql -Database $db.Name "SELECT string_agg(query_text, ',' ORDER BY query_text) FROM pgperf.query_performance_logs" |
            Should -Be 'good.1,good.4,good.after-crash,good.trigger'
        $message = $w -join "`n"
        $message | Should -Match '3 line\(s\) of the spool'
        $message | Should -Match 'line 2, 3, 5\.'
        $message | Should -Match 'The other 3 record\(s\) were replayed'
        $kept = @(Get-ChildItem $spool -Filter '*.damaged-*.jsonl')
        $kept.Count | Should -Be 1
        $message | Should -Match ([regex]::Escape($kept[0].FullName))
        @(Get-Content $kept[0].FullName) | Should -Be @("`u{0}`u{0}garbage{", $bad3, $torn)
        if (-not $IsWindows) { (stat -c '%a' $kept[0].FullName) | Should -Be '600' }
        Test-Path $file | Should -BeFalse
    }
}
