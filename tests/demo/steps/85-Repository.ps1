# A central repository: a database of its own keeps the statement history of other databases, which need nothing
# installed (a pg_monitor login is enough). Two databases of the demo server stand in for two servers.
& psql -X -q -h $admin.Host -p $admin.Port -U $admin.Username -d postgres `
    -c 'DROP DATABASE IF EXISTS pgperf_demo_repo WITH (FORCE)' -c 'CREATE DATABASE pgperf_demo_repo' `
    -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' | Out-Null
if ($LASTEXITCODE) { throw 'Could not create the repository database.' }
$repository = $Connection -replace 'Database=[^;]*', 'Database=pgperf_demo_repo'

# The repository never stores a password: the monitored servers' password comes from a pgpass file (mode 0600).
$password = ($ConnectionString -split ';' | Where-Object { $_ -like 'Password=*' }) -replace '^Password=', ''
$passFile = $null
if ($password) {
    $passFile = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-demo-$PID.pgpass"
    Set-Content -LiteralPath $passFile -Value "*:*:*:$($admin.Username):$password"
    & chmod 600 $passFile
    $env:PGPASSFILE = $passFile
}
try {
    $withoutPassword = { param([string] $Database) ($Connection -replace 'Password=[^;]*;?', '') -replace 'Database=[^;]*', "Database=$Database" }
    Write-Host 'Install-PgPerfSchema -Repository; Add-PgPerfServer for two databases; Get-PgPerfServer:'
    Install-PgPerfSchema -Connection $repository -Repository | Out-Null
    Add-PgPerfServer -Repository $repository -Connection (& $withoutPassword 'pgperf_demo') -Name shop | Out-Null
    Add-PgPerfServer -Repository $repository -Connection (& $withoutPassword 'postgres') -Name admin | Out-Null
    Get-PgPerfServer -Repository $repository | Out-Host

    Write-Host 'Invoke-PgHourlyMonitoring -Repository (every registered server in parallel), twice:'
    Invoke-PgHourlyMonitoring -Repository $repository | Out-Null      # the baseline of each server
    Invoke-PgHourlyMonitoring -Repository $repository | Out-Host
    Write-Host 'Invoke-PgStatementSnapshot -Repository -Server shop:'
    Invoke-PgStatementSnapshot -Repository $repository -Server shop | Out-Host
    Write-Host 'Get-PgTopStatement -Repository (each registered server''s own top statements, named by server):'
    Get-PgTopStatement -Repository $repository -Hours 1 -Top 3 | Format-Table Server, Database, Calls, TotalTimeMs, MeanTimeMs, QueryId -AutoSize | Out-Host
    Write-Host 'Get-PgUnusedIndex -Repository -Server shop (judged from the index history stored in the repository):'
    Get-PgUnusedIndex -Repository $repository -Server shop -IgnoreStatsAge | Select-Object -First 5 | Out-Host
    Write-Host 'Invoke-PgHealthCheck -Repository (each server read live through its login; the run is stored per server):'
    Invoke-PgHealthCheck -Repository $repository | Format-Table Server, Check, Status, Value, Unit -AutoSize | Out-Host
    Write-Host 'Get-PgSequenceRisk -Repository -Server shop (the server right now, through the repository''s registry):'
    Get-PgSequenceRisk -Repository $repository -Server shop | Select-Object -First 3 | Out-Host
    Write-Host 'Export-PgPerfReport -Repository (one page, a section per server):'
    $fleetPage = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-demo-fleet-$PID.html"
    Export-PgPerfReport -Repository $repository -Path $fleetPage | Format-Table Name, Length -AutoSize | Out-Host
    Remove-Item -LiteralPath $fleetPage -ErrorAction SilentlyContinue
}
finally {
    if ($passFile) {
        Remove-Item -LiteralPath $passFile -ErrorAction SilentlyContinue
        Remove-Item Env:PGPASSFILE -ErrorAction SilentlyContinue
    }
}
