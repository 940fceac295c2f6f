# Read-your-writes: a report on a target first writes what this process queued for that target (Measure-PgQuery's
# background writer), with a bounded wait and a warning when the records cannot land in time.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    # A second session holds a SHARE lock on the query log for some seconds: the background COPY waits for it,
    # while reads (ACCESS SHARE) go on. So a report that does not wait for the queue reads before the records land,
    # every time, however fast or slow the machine is.
    function Start-LogLock([string] $Database, [int] $Seconds) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('psql')
        foreach ($a in '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', (Get-TestConnectionPart 'Host'), '-p', (Get-TestConnectionPart 'Port'),
            '-U', (Get-TestConnectionPart 'Username'), '-d', $Database,
            '-c', "BEGIN; LOCK TABLE pgperf.query_performance_logs IN SHARE MODE; SELECT pg_sleep($Seconds); COMMIT;") { $psi.ArgumentList.Add($a) }
        $psi.Environment['PGPASSWORD'] = Get-TestConnectionPart 'Password'
        $psi.Environment['PGAPPNAME'] = 'pgperf-ryw-lock'
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        $deadline = (Get-Date).AddSeconds(15)
        while ((Invoke-TestSql -Database $Database "SELECT count(*) FROM pg_locks WHERE relation = 'pgperf.query_performance_logs'::regclass AND mode = 'ShareLock' AND granted") -ne '1') {
            if ((Get-Date) -gt $deadline) { $process.Kill(); throw 'The lock on pgperf.query_performance_logs was not taken within 15 s.' }
            Start-Sleep -Milliseconds 50
        }
        $process
    }

    # Ends the session on the server too: a backend inside pg_sleep() keeps its lock after psql is killed.
    function Stop-LogLock([System.Diagnostics.Process] $Process) {
        Invoke-TestSql -Database $db.Name "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgperf-ryw-lock'" | Out-Null
        if (-not $Process.HasExited) { $Process.Kill(); $Process.WaitForExit(5000) | Out-Null }
    }
}

Describe 'Read-your-writes: reports see what Measure-PgQuery just queued' -Tag 'Query', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
        # The first call for a target writes at once; the later ones go to the background writer.
        Measure-PgQuery -Connection $cs -Name 'ryw.first' { 1 } | Out-Null
    }
    AfterAll { Remove-TestDatabase $script:db }

    It '<Report> right after Measure-PgQuery includes the records just measured' -ForEach @(
        @{ Report = 'Get-PgSlowQuery'; Count = { param($c, $name) @(Get-PgSlowQuery -Connection $c -Hours 1 -MinDurationMs 0 -WarningVariable script:w -WarningAction SilentlyContinue | Where-Object QueryText -eq $name).Count } }
        @{ Report = 'Get-PgQueryStat'; Count = { param($c, $name) [int](@(Get-PgQueryStat -Connection $c -Hours 1 -GroupBy Query -WarningVariable script:w -WarningAction SilentlyContinue | Where-Object QueryText -eq $name).TotalQueries | Measure-Object -Sum).Sum } }
    ) {
        $name = "ryw.$Report"
        $holder = Start-LogLock $db.Name 2
        try {
            1..3 | ForEach-Object { Measure-PgQuery -Connection $cs -Name $name { 1 } | Out-Null }
            & $Count $cs $name | Should -Be 3
            $script:w | Should -BeNullOrEmpty
        } finally { Stop-LogLock $holder }
    }

    It 'warns and goes on when the queued records cannot be written within the bounded wait' {
        $holder = Start-LogLock $db.Name 30
        try {
            1..2 | ForEach-Object { Measure-PgQuery -Connection $cs -Name 'ryw.late' { 1 } | Out-Null }
            $rows = @(Get-PgSlowQuery -Connection $cs -Hours 1 -MinDurationMs 0 -WarningVariable w -WarningAction SilentlyContinue | Where-Object QueryText -eq 'ryw.late')
            $rows.Count | Should -Be 0
            ($w -join ' ') | Should -Match 'still being written after 5 s'
        } finally { Stop-LogLock $holder }
        # Nothing was lost: once the lock is gone the next report waits for them and has them.
        @(Get-PgSlowQuery -Connection $cs -Hours 1 -MinDurationMs 0 | Where-Object QueryText -eq 'ryw.late').Count | Should -Be 2
    }
}
