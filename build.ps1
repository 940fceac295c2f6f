#!/usr/bin/env pwsh
# PgPerf build script. Run as: dotnet pwsh ./build.ps1 <Task>
#   Build  assemble out/PgPerf/, the installable module folder (with MAML help)
#   Test   Build, start a throwaway PostgreSQL, run xunit and Pester, stop it; prints 'N passed, N failed'
#   Demo   Build, start a throwaway PostgreSQL, run tests/demo/Demo.ps1 against it, stop it
#   Bench  Build, start a throwaway PostgreSQL, run bench/Invoke-Benchmarks.ps1, stop it
#   Clean  remove out/ and the projects' bin/ and obj/
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    # Which throwaway server: Auto (a container when an engine is available, else local binaries), Container or Local.
    [ValidateSet('Auto', 'Container', 'Local')]
    [string] $Server = $(if ($env:PGPERF_TEST_SERVER) { $env:PGPERF_TEST_SERVER } else { 'Auto' }),

    # PostgreSQL major for the throwaway server (13-18; the pinned build from tests/server/PgVersions.psd1, fetched
    # once and cached). Empty: the machine's own PostgreSQL or the container, as -Server says.
    [ValidateSet('', '13', '14', '15', '16', '17', '18')]
    [string] $PgVersion = $env:PGPERF_TEST_PG_VERSION,

    # Tags to run or leave out (Unit, Integration, Reliability, Version, ...): Pester tags, and for xunit the
    # trait Category (so -Tag Version runs [Trait("Category", "Version")] tests and Pester's -Tag 'Version').
    [string[]] $Tag,
    [string[]] $ExcludeTag,

    # xunit test filter (dotnet test --filter), for example 'FullyQualifiedName~Statements'.
    [string] $XunitFilter,

    # Test only: run just one suite.
    [ValidateSet('All', 'Xunit', 'Pester')]
    [string] $Suite = 'All',

    # Extra arguments for the benchmark script (for example -Rows 1000000).
    [hashtable] $BenchArgs = @{},

    [string] $Configuration = 'Release'
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'PgPerf'
$resultsDir = Join-Path $out 'test-results'
. (Join-Path $root 'tests/server/TestServer.ps1')
. (Join-Path $root 'tests/tools/TestIsolation.ps1')

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

# The portable runtime id of this machine (linux-x64, win-x64, osx-arm64, ...): the one the compiler packages exist
# for, also where the runtime itself reports a distribution's own id.
function Get-PortableRuntimeId {
    $info = [System.Runtime.InteropServices.RuntimeInformation]
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } elseif ($info::RuntimeIdentifier -like '*musl*') { 'linux-musl' } else { 'linux' }
    '{0}-{1}' -f $os, $info::OSArchitecture.ToString().ToLowerInvariant()
}

function Invoke-Build {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $root 'src/PgPerf/PgPerf.csproj') -c $Configuration --nologo -v quiet '-clp:ErrorsOnly;WarningsOnly;NoSummary' }
    if (Test-Path $moduleOut) { Remove-Item -Recurse -Force $moduleOut }
    $deps = Join-Path $moduleOut 'deps'
    # publish gathers the Engine with every runtime dependency (Npgsql, Dapper, ...) into deps/.
    Invoke-Native 'dotnet publish (Engine)' { dotnet publish (Join-Path $root 'src/PgPerf.Engine/PgPerf.Engine.csproj') -c $Configuration -f net8.0 --no-build -o $deps --nologo -v quiet '-clp:ErrorsOnly;WarningsOnly;NoSummary' }
    # Core must load once, in the default context, next to the cmdlets: it is the shared contract.
    Remove-Item (Join-Path $deps 'PgPerf.Core.*') -Force
    Get-ChildItem $deps -Filter '*.deps.json' | Remove-Item -Force
    # On .NET 10 (PowerShell 7.6) the module loads the Engine from deps/net10.0/ instead (ModuleInitializer.cs): built
    # for net10.0 and precompiled for this platform (ReadyToRun, with Npgsql and Dapper) by the .NET 10 compiler,
    # since the runtime uses precompiled code only from its own major version. It takes about two thirds of the JIT
    # work out of the first report in a fresh process (docs/benchmarks.md, cold start).
    $precompiled = Join-Path $deps 'net10.0'
    Invoke-Native 'dotnet publish (Engine, net10.0, ReadyToRun)' {
        dotnet publish (Join-Path $root 'src/PgPerf.Engine/PgPerf.Engine.csproj') -c $Configuration -f net10.0 -r (Get-PortableRuntimeId) `
            --self-contained false -p:PublishReadyToRun=true -o $precompiled --nologo -v quiet '-clp:ErrorsOnly;WarningsOnly;NoSummary'
    }
    Remove-Item (Join-Path $precompiled 'PgPerf.Core.*') -Force
    Get-ChildItem $precompiled -Filter '*.deps.json' | Remove-Item -Force
    $bin = Join-Path $root "src/PgPerf/bin/$Configuration/net8.0"
    foreach ($file in 'PgPerf.dll', 'PgPerf.pdb', 'PgPerf.Core.dll', 'PgPerf.Core.pdb') { Copy-Item (Join-Path $bin $file) $moduleOut }
    Copy-Item (Join-Path $root 'module/PgPerf.Types.ps1xml') $moduleOut
    $formats = @(Get-ChildItem (Join-Path $root 'module/formats') -Filter '*.Format.ps1xml' | Sort-Object Name)
    foreach ($f in $formats) { Copy-Item $f.FullName $moduleOut }

    # The exported cmdlets are whatever the assembly defines; ask a clean process so this one stays unlocked.
    $cmdlets = @(dotnet pwsh -NoProfile -NonInteractive -Command "(Import-Module '$(Join-Path $moduleOut 'PgPerf.dll')' -PassThru).ExportedCmdlets.Keys | Sort-Object")
    if ($LASTEXITCODE -ne 0 -or $cmdlets.Count -eq 0) { throw "Could not list the cmdlets in PgPerf.dll: $cmdlets" }
    $manifest = Get-Content (Join-Path $root 'module/PgPerf.psd1') -Raw
    $manifest = $manifest.Replace("'@CMDLETS@'", (($cmdlets | ForEach-Object { "'$_'" }) -join ', '))
    $manifest = $manifest.Replace("'@FORMATS@'", (($formats | ForEach-Object { "'$($_.Name)'" }) -join ', '))
    Set-Content -Path (Join-Path $moduleOut 'PgPerf.psd1') -Value $manifest -Encoding utf8NoBOM

    Invoke-Native 'help generation' {
        dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root '.build/New-PgPerfHelp.ps1') -ManifestPath (Join-Path $moduleOut 'PgPerf.psd1') `
            -HelpSource (Join-Path $root 'module/help') -OutFile (Join-Path $moduleOut 'en-US/PgPerf.dll-Help.xml')
    }
    Write-Host ("Built {0} ({1} cmdlets) in {2:n1} s" -f $moduleOut, $cmdlets.Count, $sw.Elapsed.TotalSeconds)
}

function Get-PesterModulePath {
    Invoke-Native 'restore of test tools' { dotnet restore (Join-Path $root 'tests/tools/tools.csproj') --nologo -v quiet }
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) { $packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() }
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester was not restored to $path." }
    $path
}

# Runs a script block with a throwaway server; the server is removed afterwards, also on failure or Ctrl+C.
# With -PgVersion the binaries are fetched here, before the server starts; tests that start a server of their
# own get the same version through PGPERF_TEST_PG_VERSION and find it cached.
function Use-TestServer([scriptblock] $Body) {
    $testServer = Start-PgPerfTestServer -Server $Server -PgVersion $PgVersion
    $saved = @{ Conn = $env:PGPERF_TEST_CONNECTION; State = $env:PGPERF_TEST_SERVER_STATE; PgVersion = $env:PGPERF_TEST_PG_VERSION }
    try {
        $env:PGPERF_TEST_CONNECTION = $testServer.ConnectionString
        $env:PGPERF_TEST_SERVER_STATE = $testServer.StateFile
        $env:PGPERF_TEST_PG_VERSION = $PgVersion
        & $Body $testServer
    } finally {
        $env:PGPERF_TEST_CONNECTION = $saved.Conn
        $env:PGPERF_TEST_SERVER_STATE = $saved.State
        $env:PGPERF_TEST_PG_VERSION = $saved.PgVersion
        Stop-PgPerfTestServer -Server $testServer
        Write-Host 'Test server stopped and removed.'
    }
}

function Invoke-XunitSuite {
    $trx = Join-Path $resultsDir 'xunit.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    # -Tag/-ExcludeTag select xunit tests by their Category trait, combined with -XunitFilter.
    $parts = @()
    if ($Tag) { $parts += '(' + (($Tag | ForEach-Object { "Category=$_" }) -join '|') + ')' }
    if ($ExcludeTag) { $parts += $ExcludeTag | ForEach-Object { "Category!=$_" } }
    if ($XunitFilter) { $parts += "($XunitFilter)" }
    $filter = if ($parts) { @('--filter', ($parts -join '&')) } else { @() }
    dotnet test (Join-Path $root 'tests/PgPerf.Tests/PgPerf.Tests.csproj') -c $Configuration --nologo @filter `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=normal' --results-directory $resultsDir | Out-Host
    if (-not (Test-Path $trx)) { Write-Host 'xunit produced no results: counting the suite as one failure.'; return @{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    # The trx logger counts a skipped test in total but not in executed (notExecuted stays 0).
    @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted; Skipped = [int]$counters.total - [int]$counters.executed }
}

function Invoke-PesterSuite {
    $resultFile = Join-Path $resultsDir 'pester.json'
    Remove-Item $resultFile -ErrorAction SilentlyContinue
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/pester/Invoke-PesterSuite.ps1'),
        '-PesterPath', (Get-PesterModulePath), '-ResultFile', $resultFile)
    if ($Tag) { $arguments += '-Tag', ($Tag -join ',') }
    if ($ExcludeTag) { $arguments += '-ExcludeTag', ($ExcludeTag -join ',') }
    dotnet pwsh @arguments | Out-Host
    if (-not (Test-Path $resultFile)) { Write-Host 'Pester produced no results: counting the suite as one failure.'; return @{ Passed = 0; Failed = 1; Skipped = 0 } }
    $r = Get-Content $resultFile -Raw | ConvertFrom-Json
    @{ Passed = [int]$r.Passed; Failed = [int]$r.Failed; Skipped = [int]$r.Skipped }
}

switch ($Task) {
    'Clean' {
        foreach ($dir in @($out) + @(Get-ChildItem $root -Recurse -Directory -Include bin, obj | ForEach-Object FullName)) {
            if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
        }
    }
    'Build' { Invoke-Build }
    'Test' {
        Invoke-Build
        $null = New-Item -ItemType Directory -Force -Path $resultsDir
        $env:PGPERF_MODULE_PATH = Join-Path $moduleOut 'PgPerf.psd1'
        $env:PGPERF_REPO_ROOT = $root
        $results = [ordered]@{}
        # The tests get their own spool, config and data folders; the user's own files must be unchanged afterwards.
        $userState = Get-PgPerfUserState
        $isolationRoot = Join-Path $out 'test-home'
        if (Test-Path $isolationRoot) { Remove-Item -Recurse -Force $isolationRoot }
        $savedEnvironment = Enter-PgPerfTestIsolation -Root $isolationRoot
        try {
            Use-TestServer {
                if ($Suite -in 'All', 'Xunit') { $results.xunit = Invoke-XunitSuite }
                if ($Suite -in 'All', 'Pester') { $results.pester = Invoke-PesterSuite }
            }
        } finally {
            Exit-PgPerfTestIsolation $savedEnvironment
        }
        $changes = @(Compare-PgPerfUserState $userState (Get-PgPerfUserState))
        $changes | ForEach-Object { Write-Host "Isolation check failed: $_" }
        $results.isolation = @{ Passed = [int]($changes.Count -eq 0); Failed = $changes.Count; Skipped = 0 }
        $passed = 0; $failed = 0; $skipped = 0
        foreach ($name in $results.Keys) {
            $r = $results[$name]
            Write-Host ("{0}: {1} passed, {2} failed, {3} skipped" -f $name, $r.Passed, $r.Failed, $r.Skipped)
            $passed += $r.Passed; $failed += $r.Failed; $skipped += $r.Skipped
        }
        $line = "$passed passed, $failed failed"
        if ($skipped) { $line += ", $skipped skipped" }
        Write-Host $line
        exit $(if ($failed -gt 0 -or $passed -eq 0) { 1 } else { 0 })
    }
    'Demo' {
        Invoke-Build
        Use-TestServer {
            param($testServer)
            Invoke-Native 'the demo' {
                dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/demo/Demo.ps1') -ModulePath (Join-Path $moduleOut 'PgPerf.psd1') -ConnectionString $testServer.ConnectionString
            }
        }
    }
    'Bench' {
        Invoke-Build
        Use-TestServer {
            param($testServer)
            $benchArguments = @('-ModulePath', (Join-Path $moduleOut 'PgPerf.psd1'), '-ConnectionString', $testServer.ConnectionString)
            foreach ($key in $BenchArgs.Keys) { $benchArguments += "-$key", "$($BenchArgs[$key])" }
            Invoke-Native 'the benchmarks' { dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'bench/Invoke-Benchmarks.ps1') @benchArguments }
        }
    }
}
