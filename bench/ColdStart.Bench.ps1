# Cold start (issue 19 item 8): what a scheduled runbook pays in a fresh process, every time. Each run starts new
# processes, in turn (so a busy moment on the shared machine hits all of them):
#   - the reference: a bare `pwsh -NoProfile -c exit`;
#   - `Import-Module` of the built module, then the first `Get-PgSlowQuery`, timed inside the process, with the JIT's
#     own counters (System.Runtime.JitInfo: methods compiled and time spent compiling) per phase;
#   - after it, in the same process, a second `Get-PgSlowQuery` (the query alone) and one against another database
#     (a new connection and schema check, with the code already compiled), to split the first call's time.
# With -BaselineModulePath (another build of the module, e.g. main's out/PgPerf copied aside), each run also starts
# the same probe with that module, so before and after are measured in the same minutes of the shared machine
# (the two take turns going first).
# Run by bench/Invoke-Benchmarks.ps1:  dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'ColdStart' }
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $ColdRuns = 7,
    [string] $BaselineModulePath
)
$ErrorActionPreference = 'Stop'
$dbName = 'pgperf_bench_cold'
. (Join-Path $PSScriptRoot 'QueryBench.Common.ps1')

$modulePaths = [ordered]@{}
if ($BaselineModulePath) { $modulePaths['baseline'] = (Resolve-Path $BaselineModulePath).Path }
$modulePaths['this build'] = (Get-Module PgPerf).Path -replace '\.dll$', '.psd1'
$other = "${dbName}_other"
$connections = @{}
foreach ($name in $dbName, $other) {
    Invoke-Psql "DROP DATABASE IF EXISTS $name WITH (FORCE)" 'postgres' | Out-Null
    Invoke-Psql "CREATE DATABASE $name" 'postgres' | Out-Null
    $connections[$name] = $ConnectionString -replace 'Database=[^;]*', "Database=$name"
    Install-PgPerfSchema -Connection $connections[$name] | Out-Null
    1..2000 | ForEach-Object { [pscustomobject]@{ query_text = "SELECT * FROM orders WHERE id = $_"; duration_ms = $_ % 900; endpoint = '/api/orders' } } |
        Send-PgQueryLog -Connection $connections[$name] -AlertThresholdMs 0
}

# The PowerShell this bench runs under, started the same way for the reference and the measured runs: under dotnet's
# pwsh tool that is `dotnet <path>/pwsh.dll` (the tool's own lookup of the manifest is left out of every figure).
$launcher = [Environment]::ProcessPath
$pwsh = @('-NoProfile', '-NonInteractive')
if ((Split-Path $launcher -Leaf) -match '^dotnet') { $pwsh = @([Environment]::GetCommandLineArgs()[0]) + $pwsh }

$probe = @'
param($Module, $Cs, $OtherCs)
$jitMs = { [System.Runtime.JitInfo]::GetCompilationTime().TotalMilliseconds }
$jitCount = { [System.Runtime.JitInfo]::GetCompiledMethodCount() }
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$j0 = & $jitMs; $m0 = & $jitCount
Import-Module $Module
$import = $clock.Elapsed.TotalMilliseconds; $j1 = & $jitMs; $m1 = & $jitCount
$clock.Restart()
$null = Get-PgSlowQuery -Connection $Cs -Hours 24 -Top 20
$first = $clock.Elapsed.TotalMilliseconds; $j2 = & $jitMs; $m2 = & $jitCount
$clock.Restart()
$null = Get-PgSlowQuery -Connection $Cs -Hours 24 -Top 20
$second = $clock.Elapsed.TotalMilliseconds
$clock.Restart()
$null = Get-PgSlowQuery -Connection $OtherCs -Hours 24 -Top 20
$otherDb = $clock.Elapsed.TotalMilliseconds
'COLD|{0}|{1}|{2}|{3}|{4}|{5}|{6}|{7}' -f $import, $first, $second, $otherDb, ($j1 - $j0), ($m1 - $m0), ($j2 - $j1), ($m2 - $m1)
'@
$probeFile = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-coldstart-$PID.ps1"
Set-Content -Path $probeFile -Value $probe

function Measure-Process([string[]] $Arguments) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $out = & $launcher @Arguments 2>&1
    if ($LASTEXITCODE) { throw "the cold-start process failed: $out" }
    @{ WallMs = $clock.Elapsed.TotalMilliseconds; Output = $out }
}

$runs = [System.Collections.Generic.List[object]]::new()
try {
    Measure-Process ($pwsh + @('-c', 'exit')) | Out-Null   # the first start after a build warms the disk cache
    foreach ($r in 1..$ColdRuns) {
        $bare = Measure-Process ($pwsh + @('-c', 'exit'))
        # Each build goes first in every other run, so neither always follows the other's process.
        $order = @($modulePaths.Keys)
        if ($r % 2 -eq 0) { [array]::Reverse($order) }
        foreach ($build in $order) {
            $cold = Measure-Process ($pwsh + @('-File', $probeFile, $modulePaths[$build], $connections[$dbName], $connections[$other]))
            $line = @($cold.Output | Where-Object { "$_" -like 'COLD|*' })[0]
            if (-not $line) { throw "the cold-start probe printed no figures: $($cold.Output)" }
            $f = "$line".Split('|')
            $run = [pscustomobject]@{
                Build = $build; BareMs = $bare.WallMs; ProcessMs = $cold.WallMs; ImportMs = [double]$f[1]; FirstMs = [double]$f[2]; SecondMs = [double]$f[3]
                OtherDbMs = [double]$f[4]; ImportJitMs = [double]$f[5]; ImportJitMethods = [int]$f[6]; FirstJitMs = [double]$f[7]; FirstJitMethods = [int]$f[8]
                Load = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -replace ' .*'
            }
            $runs.Add($run)
            Write-Host ('  cold run {0} ({11}): bare pwsh {1:N0} ms; import {2:N0} ms (JIT {3:N0} ms, {4} methods); first Get-PgSlowQuery {5:N0} ms (JIT {6:N0} ms, {7} methods); second {8:N0} ms; other database {9:N0} ms; load {10}' -f
                $r, $run.BareMs, $run.ImportMs, $run.ImportJitMs, $run.ImportJitMethods, $run.FirstMs, $run.FirstJitMs, $run.FirstJitMethods, $run.SecondMs, $run.OtherDbMs, $run.Load, $build)
        }
    }
} finally {
    Remove-Item $probeFile -ErrorAction SilentlyContinue
}

$median = { param($name, $build) Get-Median @($runs | Where-Object Build -eq $build | ForEach-Object $name) }
$bareMs = & $median BareMs 'this build'
$loads = "load average $(($runs.Load | Select-Object -First 1)) to $(($runs.Load | Select-Object -Last 1))"
Add-Result 'Reference: bare pwsh -NoProfile -c exit (whole process)' ('{0:N0} ms' -f $bareMs) "median of $ColdRuns runs; $loads"
foreach ($build in $modulePaths.Keys) {
    $label = if ($modulePaths.Count -gt 1) { " ($build)" } else { '' }
    $importMs = & $median ImportMs $build; $firstMs = & $median FirstMs $build
    $secondMs = & $median SecondMs $build; $otherMs = & $median OtherDbMs $build
    Add-Result "Import-Module PgPerf in a fresh process$label" ('{0:N0} ms' -f $importMs) ('JIT {0:N0} ms for {1:N0} methods; whole process with the first report: {2:N0} ms ({3:N1}x the bare start)' -f (& $median ImportJitMs $build), (& $median ImportJitMethods $build), (& $median ProcessMs $build), ((& $median ProcessMs $build) / $bareMs))
    Add-Result "First Get-PgSlowQuery after import (goal: under 150 ms)$label" ('{0:N0} ms' -f $firstMs) ('JIT {0:N0} ms for {1:N0} methods' -f (& $median FirstJitMs $build), (& $median FirstJitMethods $build))
    Add-Result '  of which: the query itself (second call, same database)' ('{0:N0} ms' -f $secondMs)
    Add-Result '  of which: a new connection and schema check (first call to another database, code compiled)' ('{0:N0} ms' -f ($otherMs - $secondMs)) ('that call: {0:N0} ms' -f $otherMs)
    Add-Result '  of which: once per process (assembly loads, type set-up, JIT)' ('{0:N0} ms' -f ($firstMs - $otherMs))
}

$results | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Out-Host
foreach ($name in $dbName, $other) { Invoke-Psql "DROP DATABASE IF EXISTS $name WITH (FORCE)" 'postgres' | Out-Null }
