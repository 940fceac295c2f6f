# The PgPerf tour, run by './build.ps1 Demo' against a throwaway server. Each file in steps/ is one
# part of the tour, run in name order in this one session with $Connection set.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ConnectionString
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath

# The demo gets its own database, like a real application would.
Connect-PgServer -ConnectionString $ConnectionString
$admin = Connect-PgServer -ConnectionString $ConnectionString -PassThru
$Connection = $ConnectionString -replace 'Database=[^;]*', 'Database=pgperf_demo'
$env:PGPASSWORD = ($ConnectionString -split ';' | Where-Object { $_ -like 'Password=*' }) -replace '^Password=', ''
& psql -X -q -h $admin.Host -p $admin.Port -U $admin.Username -d postgres -c 'DROP DATABASE IF EXISTS pgperf_demo WITH (FORCE)' -c 'CREATE DATABASE pgperf_demo'
if ($LASTEXITCODE) { throw 'Could not create the demo database.' }
Connect-PgServer -ConnectionString $Connection
$sw = [System.Diagnostics.Stopwatch]::StartNew()

foreach ($step in Get-ChildItem (Join-Path $PSScriptRoot 'steps') -Filter '*.ps1' | Sort-Object Name) {
    Write-Host ''
    Write-Host ("==== {0} " -f ($step.BaseName -replace '^\d+-', '')).PadRight(100, '=')
    . $step.FullName
}
Write-Host ''
Write-Host ("Demo finished in {0:n1} s." -f $sw.Elapsed.TotalSeconds)
