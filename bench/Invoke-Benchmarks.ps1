# Runs every bench/*.Bench.ps1 against the throwaway server that './build.ps1 Bench' starts.
# Each benchmark prints its own table; results worth keeping go into docs/benchmarks.md.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ConnectionString,
    [string] $Only,
    # Other -Name value pairs (./build.ps1 Bench -BenchArgs @{ Rows = ... }) go to each benchmark that declares them.
    [Parameter(ValueFromRemainingArguments)] [object[]] $Rest
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$benches = Get-ChildItem $PSScriptRoot -Filter '*.Bench.ps1' | Where-Object { -not $Only -or $_.BaseName -like "$Only*" } | Sort-Object Name
if (-not $benches) { Write-Host 'No benchmarks yet.'; return }
foreach ($bench in $benches) {
    Write-Host "==== $($bench.BaseName)"
    $extra = @{}
    $declared = (Get-Command $bench.FullName).Parameters.Keys
    for ($i = 0; $i + 1 -lt $Rest.Count; $i += 2) {
        $name = "$($Rest[$i])".TrimStart('-').TrimEnd(':')
        if ($declared -contains $name) { $extra[$name] = $Rest[$i + 1] }
    }
    & $bench.FullName -ConnectionString $ConnectionString @extra
}
