# The daily job of a central repository (issue 17): Invoke-PgDailyMaintenance -Repository keeps the retention of every
# registered server's history with one run on the repository, and refuses a database that is not a repository.
# (Register-PgPerfScheduledTask -Repository, which schedules it, is tested with the real cron in OperationsSchedule.Tests.ps1.)
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_repojob'
    $script:plain = New-TestDatabase 'pgperf_repojob_plain'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null
    Install-PgPerfSchema -Connection $plain.ConnectionString | Out-Null

    # Two registered servers (never reached: the daily job works on the repository's own tables), each with one
    # statement-history row 120 days old and one from today.
    Invoke-TestSql -Database $repo.Name @"
INSERT INTO pgperf.monitored_servers (server_id, name, host, port, database) VALUES (1, 'alpha', '127.0.0.1', 1, 'a'), (2, 'beta', '127.0.0.1', 1, 'b');
SELECT pgperf.ensure_statement_history_partitions(ARRAY[(now() AT TIME ZONE 'UTC')::date - 120, (now() AT TIME ZONE 'UTC')::date]);
INSERT INTO pgperf.statement_history (server_id, captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time,
        plan_time_ms, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read,
        temp_blks_written, blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes)
SELECT s, at, 1, 1, 42, true, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM generate_series(1, 2) s, (VALUES (now() - interval '120 days'), (now())) v(at);
"@ | Out-Null
    $script:r = $repo.ConnectionString
    function Get-HistoryCount([string] $Where) { Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.statement_history WHERE $Where" }
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:plain
}

Describe 'Invoke-PgDailyMaintenance -Repository' -Tag 'Integration', 'Repository' {
    It 'refuses a database that is not a repository, before any step runs' {
        Invoke-TestSql -Database $plain.Name "INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES (now() - interval '90 days', 'old', 1)" | Out-Null
        $err = { Invoke-PgDailyMaintenance -Repository $plain.ConnectionString -QueryLogDays 30 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Repository.NotPrepared,*'
        Invoke-TestSql -Database $plain.Name "SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'old'" | Should -Be '1'
    }

    It 'deletes nothing with -WhatIf, and counts what retention would delete' {
        $out = Invoke-FreshPwsh "Import-Module '$script:ModulePath'; Invoke-PgDailyMaintenance -Repository '$r' -SnapshotDays 90 -WhatIf"
        $out.Output | Should -Match 'What if: .*daily'
        $out.Output | Should -Match 'pgperf\.statement_history'
        Get-HistoryCount 'true' | Should -Be '4'
    }

    It 'drops the old statement history of every registered server in one run, and keeps the recent days' {
        $result = Invoke-PgDailyMaintenance -Repository $r -SnapshotDays 90 -WarningAction SilentlyContinue
        @($result).Count | Should -Be 1
        ($result.Steps | Where-Object Name -eq 'retention').Status | Should -Be 'Succeeded'
        Get-HistoryCount "captured_at < now() - interval '90 days'" | Should -Be '0'
        Invoke-TestSql -Database $repo.Name "SELECT string_agg(server_id::text, ',' ORDER BY server_id) FROM pgperf.statement_history" | Should -Be '1,2'
    }
}
