# Register-PgPerfScheduledTask -WhatIf on a machine without the scheduler (issue 20: the demo's step failed where cron
# is absent). Runs in a fresh process whose PATH has no crontab or systemctl and whose HOME and config folder are the
# test's own; -WhatIf writes nothing, and the run without -WhatIf fails before writing anything.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:testHome = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-whatif-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    $script:emptyPath = Join-Path $script:testHome 'bin'
    $null = New-Item -ItemType Directory -Force -Path $script:emptyPath
    # -PwshPath must name an existing file; the entry is only rendered, never run.
    $script:fakePwsh = Join-Path $script:testHome 'pwsh'
    Set-Content -Path $script:fakePwsh -Value ''

    function Invoke-WithoutScheduler([string] $Command) {
        Invoke-FreshPwsh @"
`$env:HOME = '$($script:testHome)'
`$env:XDG_CONFIG_HOME = '$(Join-Path $script:testHome 'config')'
Import-Module '$($script:ModulePath)'
`$env:PATH = '$($script:emptyPath)'
$Command
"@
    }
}
AfterAll { Remove-Item -Recurse -Force $script:testHome -ErrorAction SilentlyContinue }

Describe 'Register-PgPerfScheduledTask -WhatIf without a scheduler' -Tag 'Unit' {
    It 'shows the <Scheduler> entry anyway and warns what registering needs' -ForEach @(
        @{ Scheduler = 'Cron'; Expected = '30 2 * * *' }
        @{ Scheduler = 'Auto'; Expected = '30 2 * * *' }
        @{ Scheduler = 'Systemd'; Expected = 'OnCalendar=*-*-* 02:30:00' }
    ) {
        $run = Invoke-WithoutScheduler "Register-PgPerfScheduledTask -Job Daily -At 02:30 -Scheduler $Scheduler -PwshPath '$($script:fakePwsh)' -Connection 'Host=db1;Database=app;Username=monitor' -WhatIf 3>&1"
        $run.Output | Should -Match 'What if: '
        $run.Output | Should -Match ([regex]::Escape($Expected))
        $run.Output | Should -Match 'Import-Module'
        $run.Output | Should -Match '-WhatIf shows the \w+ entry anyway; registering it needs that scheduler'
        $run.Output | Should -Not -Match 'PgPerf\.Schedule\.SchedulerUnavailable'
        Test-Path (Join-Path $script:testHome 'config') | Should -BeFalse
    }

    It 'still fails with PgPerf.Schedule.SchedulerUnavailable when asked to register' {
        $run = Invoke-WithoutScheduler "try { Register-PgPerfScheduledTask -Job Daily -Scheduler Cron -PwshPath '$($script:fakePwsh)' -Connection 'Host=db1;Database=app;Username=monitor' -ErrorAction Stop } catch { 'ERROR ' + `$_.FullyQualifiedErrorId }"
        $run.Output | Should -Match 'ERROR PgPerf\.Schedule\.SchedulerUnavailable'
        $run.Output | Should -Not -Match 'What if: '
    }
}
