BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Listener = Join-Path $PSScriptRoot 'CodeOriginListener.cs'
}

# Issue 19 item 8: on .NET 10 (PowerShell 7.6) the module loads the Engine from deps/net10.0/, built by build.ps1
# with ReadyToRun, so a fresh process runs Npgsql, Dapper and the Engine mostly from precompiled code. The runtime
# silently ignores precompiled code it cannot use (an image from another major version's compiler), so the test
# asks the runtime itself which code ran.
Describe 'Cold start' -Tag 'Integration' {
    It 'runs the Engine and its drivers from precompiled code on .NET 10' {
        if ([Environment]::Version.Major -lt 10) {
            Set-ItResult -Skipped -Because "the module loads its precompiled Engine on .NET 10 and later; this PowerShell runs on .NET $([Environment]::Version)"
            return
        }
        $r = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$script:Listener'
Import-Module '$script:ModulePath'
`$listener = [CodeOriginListener]::new()
`$null = Get-PgPerfSchema -Connection '$(Get-TestConnectionString)'
Start-Sleep -Seconds 2   # the runtime hands its events to listeners from a background thread
`$listener.Dispose()
`$ours = { param(`$typeName) `$typeName -match '^(Npgsql|Dapper|PgPerf\.Engine)\b' }
'precompiled:' + @(`$listener.Precompiled | Where-Object { & `$ours `$_ }).Count
'jitted:' + @(`$listener.Jitted | Where-Object { & `$ours `$_ }).Count
'engine:' + ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Npgsql' }).Location
"@
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match ([regex]::Escape([IO.Path]::Combine('deps', 'net10.0', 'Npgsql.dll')))
        $precompiled = [int]([regex]::Match($r.Output, 'precompiled:(\d+)').Groups[1].Value)
        $jitted = [int]([regex]::Match($r.Output, 'jitted:(\d+)').Groups[1].Value)
        # Measured: with the IL-only build in deps/ about 1,400 of these methods are JIT-compiled and some 40 come
        # precompiled; with deps/net10.0/ about 700 come precompiled and under 100 are JIT-compiled.
        $jitted | Should -BeGreaterThan 0 -Because 'generic code over the base library''s types is compiled at run time in any build'
        $precompiled | Should -BeGreaterThan (2 * $jitted) -Because $r.Output
    }
}
