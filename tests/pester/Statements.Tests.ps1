# Server-side statement statistics (issue 14): pg_stat_statements snapshots, top statements, trend, regressions,
# alerts, retention and the QueryHash link to the application's log, against the real extension.
# The suite shares one server: every assertion is scoped to this file's own database (-Database) or to the
# queryids of the statements it ran.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    # Runs a statement $Times times in the test database, as top-level statements of one psql call.
    function Invoke-Workload([string] $Sql, [int] $Times = 1) {
        Invoke-TestSql -Database $script:db.Name ((1..$Times | ForEach-Object { $Sql }) -join ";`n") | Out-Null
    }

    # The queryid pg_stat_statements gave a statement run in the test database (matched on its text). PostgreSQL 13's
    # pg_stat_statements has no toplevel column: every row is top level there (as 014 takes it).
    function Get-QueryId([string] $Like) {
        $topLevel = if ((Get-TestServerVersionNum) -ge 140000) { 's.toplevel' } else { 'true' }
        Invoke-TestSql -Database $script:db.Name "SELECT queryid FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.query LIKE '$Like' AND $topLevel LIMIT 1"
    }
}

Describe 'Statement types and parameters' -Tag 'Unit', 'Statements' {
    BeforeAll { Import-Module $script:ModulePath -Force }

    It 'has a default table view for <_> that fits 80 columns with property names as headers' -ForEach 'PgStatementStat', 'PgStatementTrend', 'PgStatementRegression' {
        $type = "PgPerf.$_"
        Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty
        $object = New-Object $type
        # (without the "Server: ..." line of the views grouped by Server)
        $lines = ($object | Format-Table | Out-String -Width 250) -split "`n" | Where-Object { $_.Trim() -and $_ -notmatch '^\s+Server: ' }
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $headers = $lines[0] -split '\s+' | Where-Object { $_ }
        $properties = $object.PSObject.Properties.Name
        foreach ($h in $headers) { $properties | Should -Contain $h }
    }

    It 'refuses <Name> before touching a server' -ForEach @(
        @{ Name = '-Hours 0'; Call = { Get-PgTopStatement -Hours 0 -Connection 'localhost:1/none' } }
        @{ Name = '-Top -1'; Call = { Get-PgTopStatement -Top -1 -Connection 'localhost:1/none' } }
        @{ Name = '-MinCalls 0'; Call = { Compare-PgStatement -MinCalls 0 -Connection 'localhost:1/none' } }
    ) {
        $err = { & $Call } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,PgPerf.Commands.*'
    }

    It 'refuses an -OrderBy it does not know' {
        $err = { Get-PgTopStatement -OrderBy Nonsense -Connection 'localhost:1/none' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'CannotConvertArgumentNoMessage,PgPerf.Commands.GetPgTopStatementCommand'
    }
}

Describe 'Statement snapshots on a real server' -Tag 'Integration', 'Statements' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_stmt'
        $script:cs = $db.ConnectionString
        # Install-PgPerfSchema creates the extension (the library is preloaded and the installer a superuser).
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'" | Should -Be '0'
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name @'
CREATE TABLE stmt_items (id int PRIMARY KEY, v text);
INSERT INTO stmt_items SELECT g, 'v' || g FROM generate_series(1, 2000) g;
ANALYZE stmt_items;
'@ | Out-Null
        $script:baseline = Invoke-PgStatementSnapshot -Connection $cs
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'Install-PgPerfSchema created the extension' {
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'" | Should -Be '1'
    }

    It 'takes the first snapshot as the baseline: counters remembered, no history, no text read' {
        $baseline.Kind | Should -Be 'Statement'
        $baseline.Count | Should -Be 0
        $baseline.Skipped -join ' ' | Should -Match 'baseline'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_history' | Should -Be '0'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_texts' | Should -Be '0'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) > 0 FROM pgperf.statement_last' | Should -Be 't'
        Invoke-TestSql -Database $db.Name 'SELECT is_baseline FROM pgperf.statement_snapshots' | Should -Be 't'
    }

    It 'stores each text once per queryid, only for statements with history' {
        Invoke-Workload 'SELECT id FROM stmt_items WHERE v = ''text once''' 2
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name 'SELECT count(*) = count(DISTINCT queryid) AND count(*) > 0 FROM pgperf.statement_texts' | Should -Be 't'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_history h WHERE NOT EXISTS (SELECT 1 FROM pgperf.statement_texts t WHERE t.queryid = h.queryid)' | Should -Be '0'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_texts t WHERE NOT EXISTS (SELECT 1 FROM pgperf.statement_history h WHERE t.queryid = h.queryid)' | Should -Be '0'
    }

    It 'stores the calls since the previous snapshot, only for statements that ran, and never resets the statistics' {
        Invoke-Workload 'SELECT v FROM stmt_items WHERE id = 7' 30
        $qid = Get-QueryId 'SELECT v FROM stmt_items WHERE id = $1'
        $qid | Should -Not -BeNullOrEmpty
        $before = Invoke-TestSql -Database $db.Name "SELECT calls FROM pg_stat_statements WHERE queryid = $qid AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"

        $snap = Invoke-PgStatementSnapshot -Connection $cs
        $snap.Count | Should -BeGreaterThan 0
        $row = Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid
        $row.Calls | Should -Be 30
        $row.Rows | Should -Be 30
        $row.Query | Should -Be 'SELECT v FROM stmt_items WHERE id = $1'
        $row.Database | Should -Be $db.Name
        $row.Status | Should -Be 'Good'
        $row.QueryHash | Should -Be ([PgPerf.QueryFingerprint]::HashOf($row.Query))
        # The extension's own counters are untouched (PgPerf never resets them).
        Invoke-TestSql -Database $db.Name "SELECT calls FROM pg_stat_statements WHERE queryid = $qid AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())" | Should -Be $before

        # Nothing ran: the next snapshot writes no row for it.
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.statement_history WHERE queryid = $qid" | Should -Be '1'
        (Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid).Calls | Should -Be 30
    }

    It 'pools mean and standard deviation exactly as pg_stat_statements computes them over the same executions' {
        Invoke-Workload 'SELECT pg_sleep(0.002)' 4
        Invoke-Workload 'SELECT pg_sleep(0.02)' 4
        $qid = Get-QueryId 'SELECT pg_sleep($1)'
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        Invoke-Workload 'SELECT pg_sleep(0.01)' 4
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        # The entry began after the baseline, so the two intervals hold all of its executions.
        $truth = (Invoke-TestSql -Database $db.Name "SELECT calls || ' ' || mean_exec_time || ' ' || stddev_exec_time FROM pg_stat_statements WHERE queryid = $qid AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())") -split ' '
        $row = Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid
        $row.Calls | Should -Be ([long]$truth[0])
        $row.MeanTimeMs | Should -BeGreaterThan 0
        [math]::Abs($row.MeanTimeMs - [double]$truth[1]) / [double]$truth[1] | Should -BeLessThan 1e-9
        [math]::Abs($row.StddevTimeMs - [double]$truth[2]) / [double]$truth[2] | Should -BeLessThan 1e-6
        (Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.statement_history WHERE queryid = $qid") | Should -Be '2'
    }

    It 'orders by what it is asked, filters by database and gives each row its share of the server''s time' {
        Invoke-Workload 'SELECT count(*) FROM stmt_items a CROSS JOIN stmt_items b WHERE a.id < 300' 2
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        $all = @(Get-PgTopStatement -Connection $cs -Database $db.Name -Top 0)
        $all.Count | Should -BeGreaterThan 2
        $byTime = @(Get-PgTopStatement -Connection $cs -Database $db.Name -Top 3)
        $byTime.Count | Should -Be 3
        $byTime.TotalTimeMs | Should -Be ($all.TotalTimeMs | Sort-Object -Descending | Select-Object -First 3)
        $byCalls = @(Get-PgTopStatement -Connection $cs -Database $db.Name -OrderBy Calls -Top 0)
        $byCalls.Calls | Should -Be ($all.Calls | Sort-Object -Descending)
        $byMean = @(Get-PgTopStatement -Connection $cs -Database $db.Name -OrderBy MeanTime -Top 0)
        $byMean.MeanTimeMs | Should -Be ($all.MeanTimeMs | Sort-Object -Descending)
        $all.Database | Sort-Object -Unique | Should -Be $db.Name
        # Shares are of the whole server's time, so this database's rows add up to at most 1.
        ($all | Measure-Object ShareOfTotalTime -Sum).Sum | Should -BeLessOrEqual 1.0000001
        $all | ForEach-Object { $_.ShareOfTotalTime | Should -BeGreaterOrEqual 0 }
        @(Get-PgTopStatement -Connection $cs -Database 'no_such_database_here') | Should -HaveCount 0
    }

    It 'an entry reset and created again gives its new counters, marked, never a negative difference' {
        $qid = Get-QueryId 'SELECT v FROM stmt_items WHERE id = $1'
        $dbid = Invoke-TestSql -Database $db.Name 'SELECT oid FROM pg_database WHERE datname = current_database()'
        Invoke-Workload 'SELECT v FROM stmt_items WHERE id = 7' 10
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        # Only this database's entry: the other tests' statements keep theirs.
        Invoke-TestSql -Database $db.Name "SELECT pg_stat_statements_reset(0, $dbid, $qid)" | Out-Null
        Invoke-Workload 'SELECT v FROM stmt_items WHERE id = 7' 4
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        $last = Invoke-TestSql -Database $db.Name "SELECT calls || ' ' || counters_reset FROM pgperf.statement_history WHERE queryid = $qid ORDER BY captured_at DESC LIMIT 1"
        $last | Should -Be '4 true'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_history WHERE calls < 0 OR exec_time_ms < 0 OR rows < 0' | Should -Be '0'
        (Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid).CountersReset | Should -BeTrue
    }

    It 'a reset of all statistics (stats_reset changed) marks the interval and counts every entry whole' {
        if ((Get-TestServerVersionNum) -lt 140000) {
            # 14 added pg_stat_statements_info; on 13 a reset shows only as counters that went down (the test above).
            Set-ItResult -Skipped -Because 'PostgreSQL 13 has no pg_stat_statements_info.stats_reset to compare'
            return
        }
        $qid = Get-QueryId 'SELECT v FROM stmt_items WHERE id = $1'
        Invoke-Workload 'SELECT v FROM stmt_items WHERE id = 7' 3
        # A real pg_stat_statements_reset() would wipe the other tests' statistics: move the remembered stats_reset instead,
        # which is exactly what the next capture compares with.
        Invoke-TestSql -Database $db.Name "UPDATE pgperf.statement_snapshots SET stats_reset = stats_reset - interval '1 day', server_started_at = server_started_at - interval '1 day' WHERE captured_at = (SELECT max(captured_at) FROM pgperf.statement_snapshots)" | Out-Null
        $snap = Invoke-PgStatementSnapshot -Connection $cs
        $snap.Skipped -join ' ' | Should -Match 'statistics were reset'
        $snap.Skipped -join ' ' | Should -Match 'server restarted'
        Invoke-TestSql -Database $db.Name 'SELECT stats_were_reset AND server_restarted FROM pgperf.statement_snapshots ORDER BY captured_at DESC LIMIT 1' | Should -Be 't'
        $truth = Invoke-TestSql -Database $db.Name "SELECT calls FROM pg_stat_statements WHERE queryid = $qid AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        Invoke-TestSql -Database $db.Name "SELECT calls || ' ' || counters_reset FROM pgperf.statement_history WHERE queryid = $qid ORDER BY captured_at DESC LIMIT 1" | Should -Be "$truth true"
    }

    It 'Get-PgStatementTrend gives one row per hour, from the pipeline' {
        $qid = Get-QueryId 'SELECT v FROM stmt_items WHERE id = $1'
        $top = Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid
        $trend = @($top | Get-PgStatementTrend)
        $trend.Count | Should -BeGreaterThan 0
        ($trend | Measure-Object Calls -Sum).Sum | Should -Be $top.Calls
        $trend | ForEach-Object { $_.Hour.Minute | Should -Be 0; $_.Hour.Offset | Should -Be ([TimeSpan]::Zero); $_.QueryId | Should -Be $qid }
        @($trend.Hour | Sort-Object -Unique).Count | Should -Be $trend.Count
    }

    It 'Compare-PgStatement finds a statement that got slower between two windows' {
        $t0 = (Invoke-PgStatementSnapshot -Connection $cs).CapturedAt
        Invoke-Workload 'SELECT pg_sleep(0.001), 1 AS compare_me' 12
        $mid = (Invoke-PgStatementSnapshot -Connection $cs).CapturedAt
        Invoke-Workload 'SELECT pg_sleep(0.02), 1 AS compare_me' 12
        $end = (Invoke-PgStatementSnapshot -Connection $cs).CapturedAt
        $qid = Get-QueryId 'SELECT pg_sleep($1), $2 AS compare_me'
        $r = @(Compare-PgStatement -Connection $cs -Database $db.Name -BaselineStart $t0 -BaselineEnd $mid -Start $mid -End $end.AddSeconds(1))
        $hit = $r | Where-Object QueryId -eq $qid
        $hit | Should -Not -BeNullOrEmpty
        $hit.BaselineCalls | Should -Be 12
        $hit.CurrentCalls | Should -Be 12
        $hit.CurrentMeanMs | Should -BeGreaterThan 19
        $hit.BaselineMeanMs | Should -BeLessThan 10
        $hit.IncreasePercent | Should -Be (100 * ($hit.CurrentMeanMs - $hit.BaselineMeanMs) / $hit.BaselineMeanMs)
        $hit.AddedTimeMs | Should -Be (($hit.CurrentMeanMs - $hit.BaselineMeanMs) * 12)
        # Largest added time first.
        $r.AddedTimeMs | Should -Be ($r.AddedTimeMs | Sort-Object -Descending)
        # Thresholds hold: more calls than ran, or a larger increase than happened, find nothing.
        @(Compare-PgStatement -Connection $cs -Database $db.Name -BaselineStart $t0 -BaselineEnd $mid -Start $mid -End $end.AddSeconds(1) -MinCalls 13) |
            Where-Object QueryId -eq $qid | Should -BeNullOrEmpty
        @(Compare-PgStatement -Connection $cs -Database $db.Name -BaselineStart $t0 -BaselineEnd $mid -Start $mid -End $end.AddSeconds(1) -MinIncreasePercent ($hit.IncreasePercent + 1)) |
            Where-Object QueryId -eq $qid | Should -BeNullOrEmpty
        { Compare-PgStatement -Connection $cs -Start $end -End $t0 } | Should -Throw -ErrorId 'PgPerf.Statements.InvalidTimeRange,PgPerf.Commands.ComparePgStatementCommand'
    }

    It 'the hourly job opens one statement_regression alert per regressed statement and resolves it when it recovers' {
        $qid = Get-QueryId 'SELECT pg_sleep($1), $2 AS compare_me'
        $ids = Invoke-TestSql -Database $db.Name "SELECT dbid || ' ' || userid FROM pgperf.statement_history WHERE queryid = $qid AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1"
        $dbid, $userid = $ids -split ' '
        # The default windows are the last 24 h against the 7 days before: place this statement's history there.
        Invoke-TestSql -Database $db.Name @"
SELECT pgperf.ensure_statement_history_partitions(ARRAY[(now() - interval '3 days')::date, (now() - interval '2 hours')::date, (now() AT TIME ZONE 'UTC')::date, ((now() - interval '3 days') AT TIME ZONE 'UTC')::date, ((now() - interval '2 hours') AT TIME ZONE 'UTC')::date]);
INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
VALUES (now() - interval '3 days', $dbid, $userid, $qid, true, 100, 100, 100, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
       (now() - interval '2 hours', $dbid, $userid, $qid, true, 100, 900, 8100, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
"@ | Out-Null
        $run = Invoke-PgHourlyMonitoring -Connection $cs
        ($run.Steps | Where-Object Name -eq 'statement snapshot').Status | Should -Be 'Succeeded'
        ($run.Steps | Where-Object Name -eq 'statement regressions').Status | Should -Be 'Succeeded'
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        $open = @(Get-PgPerfAlert -Connection $cs -Type statement_regression -Open | Where-Object Subject -like "*queryid $qid" )
        $open | Should -HaveCount 1
        $open[0].Occurrences | Should -Be 2
        $open[0].Message | Should -Match "Statement $qid in database $($db.Name)"
        # The summary shows it too, with the server's top statements; its JSON keeps the spec's shape.
        $summary = Get-PgPerformanceSummary -Connection $cs
        $summary.StatementRegressions.QueryId | Should -Contain $qid
        $summary.TopStatements.Count | Should -BeGreaterThan 0
        (Get-PgPerformanceSummary -Connection $cs -AsJson | ConvertFrom-Json).PSObject.Properties.Name | Sort-Object |
            Should -Be @('generated_at', 'query_performance', 'table_bloat', 'unused_indexes')

        # It recovers: the slow hour is gone from the current window.
        Invoke-TestSql -Database $db.Name "DELETE FROM pgperf.statement_history WHERE queryid = $qid AND captured_at > now() - interval '24 hours'" | Out-Null
        Invoke-PgHourlyMonitoring -Connection $cs | Out-Null
        @(Get-PgPerfAlert -Connection $cs -Type statement_regression -Open | Where-Object Subject -like "*queryid $qid" ) | Should -HaveCount 0
        @(Get-PgPerfAlert -Connection $cs -Type statement_regression | Where-Object Subject -like "*queryid $qid" ).ResolvedAt | Should -Not -BeNullOrEmpty
    }

    It 'retention drops whole days of history older than -SnapshotDays, and texts no longer used' {
        Invoke-TestSql -Database $db.Name @'
SELECT pgperf.ensure_statement_history_partitions(ARRAY[((now() - interval '100 days') AT TIME ZONE 'UTC')::date]);
INSERT INTO pgperf.statement_texts (queryid, query, first_seen_at) VALUES (-42, 'SELECT old', now() - interval '100 days');
INSERT INTO pgperf.statement_history (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
    shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
VALUES (now() - interval '100 days', 1, 10, -42, true, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
'@ | Out-Null
        $oldDay = Invoke-TestSql -Database $db.Name "SELECT partition_name FROM pgperf.statement_history_partitions() WHERE day = ((now() - interval '100 days') AT TIME ZONE 'UTC')::date"
        $oldDay | Should -Not -BeNullOrEmpty
        $kept = Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.statement_history WHERE captured_at > now() - interval '90 days'"
        $result = Invoke-PgPerfRetention -Connection $cs -SnapshotDays 90 -Confirm:$false
        ($result.Tables | Where-Object Table -eq 'pgperf.statement_history').RowsDeleted | Should -Be 1
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.statement_history_partitions() WHERE partition_name = '$oldDay'" | Should -Be '0'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.statement_texts WHERE queryid = -42' | Should -Be '0'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.statement_history" | Should -Be $kept
    }

    It 'links the application''s log and the server''s statements by QueryHash (same text on both sides)' {
        Invoke-TestSql -Database $db.Name 'CREATE TABLE stmt_link (id int PRIMARY KEY, v text); INSERT INTO stmt_link SELECT g, g::text FROM generate_series(1, 100) g' | Out-Null
        $text = 'SELECT count(*) FROM stmt_link WHERE v IS NOT NULL'
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        Invoke-Workload $text 6
        $logged = 1..6 | ForEach-Object { Send-PgQueryLog -Connection $cs -QueryText $text -DurationMs (10 * $_) -PassThru }
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        $server = Get-PgTopStatement -Connection $cs -Database $db.Name -Top 0 | Where-Object Query -eq $text
        $server.QueryHash | Should -Be $logged[0].QueryHash
        $server.AppCalls | Should -Be 6
        $app = Get-PgQueryStat -Connection $cs -GroupBy Query -QueryHash $logged[0].QueryHash
        $server.AppP95DurationMs | Should -Be $app.P95DurationMs
        $app.ServerCalls | Should -Be 6
        $app.ServerRows | Should -Be 6
        $app.ServerMeanTimeMs | Should -Be $server.MeanTimeMs
    }

    It 'links the application''s SQL with literals to the server''s normalized statement ($1)' {
        $appText = 'SELECT v FROM stmt_link WHERE id = 5'
        $serverText = 'SELECT v FROM stmt_link WHERE id = $1'
        if ([PgPerf.QueryFingerprint]::HashOf($appText) -ne [PgPerf.QueryFingerprint]::HashOf($serverText)) {
            Set-ItResult -Skipped -Because 'QueryFingerprint does not yet hash placeholders and literals alike (branch peer13a, "QueryHash: placeholders and literals")'
            return
        }
        Invoke-Workload $appText 3
        $logged = 1..3 | ForEach-Object { Send-PgQueryLog -Connection $cs -QueryText $appText -DurationMs 5 -PassThru }
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        $server = Get-PgTopStatement -Connection $cs -Database $db.Name -Top 0 | Where-Object Query -eq $serverText
        $server.QueryHash | Should -Be $logged[0].QueryHash
        $server.AppCalls | Should -Be 3
        (Get-PgQueryStat -Connection $cs -GroupBy Query -QueryHash $logged[0].QueryHash).ServerCalls | Should -Be $server.Calls
    }

    It 'a snapshot taken from SQL alone leaves QueryHash to the module, which fills it in' {
        Invoke-Workload 'SELECT v, 2 AS from_psql FROM stmt_items WHERE id = 9' 2
        Invoke-TestSql -Database $db.Name 'SELECT pgperf.capture_statement_snapshot()' | Out-Null
        $qid = Get-QueryId 'SELECT v, $1 AS from_psql FROM stmt_items WHERE id = $2'
        Invoke-TestSql -Database $db.Name "SELECT query_hash IS NULL FROM pgperf.statement_texts WHERE queryid = $qid" | Should -Be 't'
        $row = Get-PgTopStatement -Connection $cs -Database $db.Name -QueryId $qid
        $row.QueryHash | Should -Be ([PgPerf.QueryFingerprint]::HashOf($row.Query))
        Invoke-PgStatementSnapshot -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT query_hash FROM pgperf.statement_texts WHERE queryid = $qid" | Should -Be $row.QueryHash
    }

    It 'without the extension: PgPerf.Statements.NotAvailable says how to enable it, and the hourly job skips the step' {
        Invoke-TestSql -Database $db.Name 'DROP EXTENSION pg_stat_statements' | Out-Null
        try {
            $err = { Invoke-PgStatementSnapshot -Connection $cs -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'PgPerf.Statements.NotAvailable,PgPerf.Commands.InvokePgStatementSnapshotCommand'
            $err.Exception.Message | Should -Match 'CREATE EXTENSION pg_stat_statements'
            $sql = Invoke-TestSql -Database $db.Name 'SELECT pgperf.capture_statement_snapshot()' -AllowError
            "$sql" | Should -Match 'CREATE EXTENSION pg_stat_statements'
            $run = Invoke-PgHourlyMonitoring -Connection $cs
            $step = $run.Steps | Where-Object Name -eq 'statement snapshot'
            $step.Status | Should -Be 'Skipped'
            $step.Message | Should -Match 'CREATE EXTENSION pg_stat_statements'
            @(Get-PgPerfAlert -Connection $cs -Type job_failure -Open | Where-Object Subject -match 'statement') | Should -HaveCount 0
            # Reading the stored history needs no extension.
            @(Get-PgTopStatement -Connection $cs -Database $db.Name -Top 1) | Should -HaveCount 1
        } finally {
            Invoke-TestSql -Database $db.Name 'CREATE EXTENSION pg_stat_statements' | Out-Null
        }
    }

    It 'without the library preloaded, the reason names shared_preload_libraries' {
        $r = Invoke-TestSql -Database $db.Name "SELECT available || '|' || reason FROM pgperf.statement_source('auto_explain')"
        $r | Should -Match '^false\|pg_stat_statements is not loaded'
        $r | Should -Match 'shared_preload_libraries'
        Invoke-TestSql -Database $db.Name "SELECT available FROM pgperf.statement_source('auto_explain, pg_stat_statements')" | Should -Be 't'
    }
}

Describe 'Statement columns per PostgreSQL version' -Tag 'Unit', 'Statements' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_stmtv'
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        function Get-ReadSql([int] $Version) { Invoke-TestSql -Database $script:db.Name "SELECT pgperf.statement_read_sql($Version, 'public')" }
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'reads <Version> with toplevel=<Toplevel>, block time <BlockTime>, jit <Jit>, stats_since <Since>' -ForEach @(
        @{ Version = 130000; Toplevel = 'true AS toplevel'; BlockTime = 's.blk_read_time'; Jit = 'NULL::double precision'; Since = 'NULL::timestamptz' }
        @{ Version = 140000; Toplevel = 's.toplevel'; BlockTime = 's.blk_read_time'; Jit = 'NULL::double precision'; Since = 'NULL::timestamptz' }
        @{ Version = 150000; Toplevel = 's.toplevel'; BlockTime = 's.blk_read_time'; Jit = 's.jit_emission_time AS'; Since = 'NULL::timestamptz' }
        @{ Version = 160004; Toplevel = 's.toplevel'; BlockTime = 's.blk_read_time'; Jit = 's.jit_emission_time AS'; Since = 'NULL::timestamptz' }
        @{ Version = 170000; Toplevel = 's.toplevel'; BlockTime = 's.shared_blk_read_time'; Jit = 's.jit_deform_time AS'; Since = 's.stats_since' }
        @{ Version = 180000; Toplevel = 's.toplevel'; BlockTime = 's.shared_blk_read_time'; Jit = 's.jit_deform_time AS'; Since = 's.stats_since' }
    ) {
        $sql = Get-ReadSql $Version
        $sql | Should -BeLike "*$Toplevel*"
        $sql | Should -BeLike "*$BlockTime AS blk_read_time*"
        $sql | Should -BeLike "*$Jit*"
        $sql | Should -BeLike "*$Since AS stats_since*"
        if ($Version -lt 170000) { $sql | Should -Not -BeLike '*shared_blk_read_time*' }
        if ($Version -lt 150000) { $sql | Should -Not -BeLike '*s.jit_*' }
        if ($Version -lt 140000) { $sql | Should -Not -BeLike '*s.toplevel*' }
    }
}

Describe 'Statement read on this server''s version' -Tag 'Integration', 'Statements', 'Version' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_stmtr'
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'the read chosen by server_version_num runs on this server and sees this database''s statements' {
        Invoke-TestSql -Database $db.Name 'SELECT 1 AS version_probe' | Out-Null
        $n = Invoke-TestSql -Database $db.Name @'
DO $$ BEGIN
  EXECUTE 'CREATE TEMP TABLE probe AS ' || pgperf.statement_read_sql(current_setting('server_version_num')::int, 'public');
END $$;
SELECT count(*) FROM probe WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database());
'@
        [int]($n | Select-Object -Last 1) | Should -BeGreaterThan 0
        $first = Invoke-PgStatementSnapshot -Connection $db.ConnectionString
        $first.Count | Should -Be 0
    }
}

Describe 'Statements as pgperf_monitor' -Tag 'Integration', 'Statements' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_stmtm'
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:login = 'pgperf_t_sm_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $password = New-TestPassword
        Invoke-TestSql "CREATE ROLE $login LOGIN PASSWORD '$password' IN ROLE pgperf_monitor" | Out-Null
        $script:monitorCs = $db.ConnectionString -replace 'Username=[^;]*', "Username=$login" -replace 'Password=[^;]*', "Password=$password"
    }
    AfterAll {
        Remove-TestDatabase $script:db
        Invoke-TestSql "DROP ROLE IF EXISTS $script:login" | Out-Null
    }

    It 'captures, reads every user''s statement text and reports, logged in as a member of pgperf_monitor' {
        Invoke-PgStatementSnapshot -Connection $monitorCs | Should -Not -BeNullOrEmpty
        # Run by the superuser, not by the monitor: the text is visible through pg_read_all_stats.
        # (a table of its own: statements that differ only in constants and aliases share one queryid)
        Invoke-TestSql -Database $db.Name 'CREATE TABLE seen_by_monitor (id int)' | Out-Null
        Invoke-TestSql -Database $db.Name ((1..3 | ForEach-Object { 'SELECT count(*) FROM seen_by_monitor WHERE id > 0' }) -join ';') | Out-Null
        $snap = Invoke-PgStatementSnapshot -Connection $monitorCs
        $snap.Count | Should -BeGreaterThan 0
        $row = Get-PgTopStatement -Connection $monitorCs -Database $db.Name -User (Get-TestConnectionPart 'Username') -Top 0 | Where-Object Query -like 'SELECT count(*) FROM seen_by_monitor*'
        $row.Calls | Should -Be 3
        $row.Query | Should -Be 'SELECT count(*) FROM seen_by_monitor WHERE id > $1'
        $row.QueryHash | Should -Not -BeNullOrEmpty
        @(Compare-PgStatement -Connection $monitorCs) | Should -HaveCount 0
        $run = Invoke-PgHourlyMonitoring -Connection $monitorCs
        ($run.Steps | Where-Object Name -like 'statement*').Status | Sort-Object -Unique | Should -Be 'Succeeded'
    }
}
