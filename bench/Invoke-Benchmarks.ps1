# Runs every bench/*.Bench.ps1 against the throwaway server that './build.ps1 Bench' starts.
# Each benchmark prints its own table; results worth keeping go into docs/benchmarks.md.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ConnectionString,
    [string] $Only
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$benches = Get-ChildItem $PSScriptRoot -Filter '*.Bench.ps1' | Where-Object { -not $Only -or $_.BaseName -like "$Only*" } | Sort-Object Name
if (-not $benches) { Write-Host 'No benchmarks yet.'; return }
foreach ($bench in $benches) {
    Write-Host "==== $($bench.BaseName)"
    & $bench.FullName -ConnectionString $ConnectionString
}
