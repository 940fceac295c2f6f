BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $manifest = Import-PowerShellDataFile $script:ModulePath
    $script:CmdletNames = $manifest.CmdletsToExport
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'The built module' -Tag 'Unit' {
    It 'has an explicit manifest that matches the cmdlets in the assembly' {
        $manifest = Import-PowerShellDataFile $script:ModulePath
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $manifest.RequiredAssemblies | Should -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be '7.4'
        $exported = (Get-Module PgPerf).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $exported | Should -Contain 'Install-PgPerfSchema'
    }

    It 'keeps Npgsql and Dapper out of the module root (they live in deps/)' {
        $base = Split-Path $script:ModulePath
        Get-ChildItem $base -Filter 'Npgsql*.dll' | Should -BeNullOrEmpty
        Test-Path (Join-Path $base 'deps/Npgsql.dll') | Should -BeTrue
        Test-Path (Join-Path $base 'deps/PgPerf.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $base 'deps/PgPerf.Core.dll') | Should -BeFalse
    }
}

Describe 'Help for <_>' -Tag 'Unit' -ForEach $script:CmdletNames {
    BeforeAll {
        $help = Get-Help $_ -Full
        $command = Get-Command $_
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*Get-|^\s*\w+-\w+ \['   # not the auto-generated syntax stub
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        $names = $command.Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' }
        foreach ($name in $names) {
            $p = $help.Parameters.Parameter | Where-Object Name -eq $name
            $p | Should -Not -BeNullOrEmpty -Because "-$name must be in the help"
            ($p.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name must be described"
        }
    }

    It 'shows the real syntax' {
        $syntax = ($help.Syntax | Out-String)
        $syntax | Should -Match ([regex]::Escape($_))
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $syntax | Should -Match "-$name\b"
        }
    }
}
