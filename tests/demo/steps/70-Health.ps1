# The server right now: a lock chain, a transaction left open, a sequence about to run out, and the health check.
$Psql = { param([string] $Sql) & psql -X -q -t -A -h $admin.Host -p $admin.Port -U $admin.Username -d pgperf_demo -c $Sql }
& $Psql @'
CREATE TABLE tickets (id serial PRIMARY KEY, title text);
INSERT INTO tickets (title) SELECT 'ticket ' || g FROM generate_series(1, 1000) g;
SELECT setval('tickets_id_seq', 2050000000);
'@ | Out-Null

# Two background psql sessions: one takes a lock and sits idle in its transaction, one waits behind it.
# `\! sleep` keeps each session open without finishing its transaction. Both are stopped at the end.
$demoSessions = foreach ($sql in "BEGIN; UPDATE tickets SET title = 'locked' WHERE id = 1;", 'ALTER TABLE tickets ADD COLUMN closed_at timestamptz;') {
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-demo-{0}.sql" -f [guid]::NewGuid().ToString('N'))
    Set-Content -Path $file -Value "$sql`n\! sleep 60`n"
    $info = [System.Diagnostics.ProcessStartInfo]::new('psql')
    foreach ($a in '-X', '-q', '-h', $admin.Host, '-p', "$($admin.Port)", '-U', $admin.Username, '-d', 'pgperf_demo', '-f', $file) { $info.ArgumentList.Add($a) }
    $info.Environment['PGAPPNAME'] = 'billing-worker'
    $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($info)
    Start-Sleep -Milliseconds 700
}
try {
    Start-Sleep -Seconds 2
    Write-Host "Get-PgActivity -State 'idle in transaction', 'active':"
    Get-PgActivity -State 'idle in transaction', 'active' | Format-Table | Out-Host
    Write-Host 'Get-PgBlocking (the ALTER waits for the open transaction):'
    Get-PgBlocking | Format-Table | Out-Host
    Write-Host 'Get-PgSequenceRisk -MinPercentUsed 50 (an integer serial at 95 %):'
    Get-PgSequenceRisk -MinPercentUsed 50 | Format-Table | Out-Host
    Write-Host 'Get-PgWraparoundRisk -Top 3:'
    Get-PgWraparoundRisk -Top 3 | Format-Table | Out-Host
    Write-Host 'Get-PgVacuumHealth -DueOnly:'
    Get-PgVacuumHealth -DueOnly | Format-Table | Out-Host

    Write-Host 'Invoke-PgHealthCheck -BlockingWarningSeconds 1 -LongTransactionWarningSeconds 1 (thresholds lowered so the two-second-old situation shows):'
    Invoke-PgHealthCheck -BlockingWarningSeconds 1 -LongTransactionWarningSeconds 1 | Format-Table | Out-Host
    Write-Host 'Invoke-PgHourlyMonitoring raises the sequence_exhaustion alert (default thresholds):'
    (Invoke-PgHourlyMonitoring).Steps | Where-Object Name -eq 'health alerts' | Format-Table | Out-Host
    Get-PgPerfAlert -Open -Type sequence_exhaustion, blocking, long_transaction | Format-Table | Out-Host

    Write-Host 'Get-PgBlocking | Stop-PgSession -Terminate -WhatIf, then for real:'
    Get-PgBlocking | Stop-PgSession -Terminate -WhatIf
    Get-PgBlocking | Stop-PgSession -Terminate -Confirm:$false | Format-Table | Out-Host
    Start-Sleep -Seconds 1
    Write-Host 'Get-PgBlocking afterwards (empty: the ALTER went through):'
    @(Get-PgBlocking).Count | Out-Host

    Write-Host 'A scheduled entry that fails on Critical: Invoke-PgHealthCheck -FailOnCritical (the sequence is Critical):'
    try {
        Invoke-PgHealthCheck -Check sequences, blocking -FailOnCritical -OutVariable checked | Out-Null
    } catch {
        $checked | Format-Table Check, Status, Value, Target | Out-Host
        Write-Host "terminating error $($_.FullyQualifiedErrorId): $($_.Exception.Message)"
        Write-Host '(run by pwsh -Command as its last statement, this makes the exit code 1)'
    }
} finally {
    foreach ($p in $demoSessions) { if (-not $p.HasExited) { $p.Kill($true) }; $p.Dispose() }
    Get-ChildItem ([System.IO.Path]::GetTempPath()) -Filter 'pgperf-demo-*.sql' | Remove-Item -ErrorAction SilentlyContinue
}
