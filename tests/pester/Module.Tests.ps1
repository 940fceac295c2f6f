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

Describe 'Help default values' -Tag 'Unit' {
    It 'shows the default of <Cmdlet> -<Parameter> as <Expected>' -ForEach @(
        @{ Cmdlet = 'Get-PgSlowQuery'; Parameter = 'Hours'; Expected = '24' }
        @{ Cmdlet = 'Get-PgSlowQuery'; Parameter = 'MinDurationMs'; Expected = '500' }
        @{ Cmdlet = 'Get-PgSlowQuery'; Parameter = 'Top'; Expected = '100' }
        @{ Cmdlet = 'Get-PgPerformanceSummary'; Parameter = 'Metric'; Expected = 'Summary' }
        @{ Cmdlet = 'Get-PgPerformanceSummary'; Parameter = 'MinWastedMB'; Expected = '0.1' }
        @{ Cmdlet = 'Get-PgTableBloat'; Parameter = 'Method'; Expected = 'Estimate' }
        @{ Cmdlet = 'Send-PgQueryLog'; Parameter = 'BatchSize'; Expected = '1000' }
        @{ Cmdlet = 'Get-PgTableBloat'; Parameter = 'IncludePgPerf'; Expected = 'False' }
        @{ Cmdlet = 'Send-PgQueryLog'; Parameter = 'QueryText'; Expected = 'None' }
    ) {
        (Get-Help $Cmdlet -Parameter $Parameter).defaultValue | Should -Be $Expected
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

    It 'gives every parameter that has a default a default value other than None' {
        # The values a new cmdlet object starts with: what the cmdlet uses when the parameter is not given.
        $fresh = [Activator]::CreateInstance($command.ImplementingType)
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $p = $help.Parameters.Parameter | Where-Object Name -eq $name
            # Dynamic parameters (Invoke-PgHealthCheck's thresholds) are no properties: their defaults are in PgHealthChecks.
            $value = if ($command.Parameters[$name].IsDynamic) { [PgPerf.PgHealthChecks]::Threshold($name).Default } else { $fresh.$name }
            # (An enum member named None, such as -GroupBy None, is a real default that reads 'None'.)
            $hasDefault = $null -ne $value -and -not ($value -is [array] -and $value.Count -eq 0) -and $command.Parameters[$name].ParameterType -ne [switch] -and "$value" -ne 'None'
            if ($hasDefault -and -not ($command.Parameters[$name].ParameterSets.Values | Where-Object IsMandatory)) {
                $p.defaultValue | Should -Not -Be 'None' -Because "-$name defaults to '$value'"
            }
        }
    }

    It 'says a parameter takes wildcards exactly when the parameter accepts them' {
        foreach ($p in $help.Parameters.Parameter) {
            $saysWildcards = ($p.Description.Text -join ' ') -match 'wildcards (are )?allowed'
            $accepts = [bool]($command.Parameters[$p.Name].Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            $saysWildcards | Should -Be $accepts -Because "-$($p.Name): the description and [SupportsWildcards] must agree"
            $p.globbing | Should -Be "$accepts".ToLower() -Because "-$($p.Name)'s 'Accept wildcard characters' must match [SupportsWildcards]"
        }
    }

    It 'explains "the monitoring spec" wherever it mentions it' {
        $full = $help | Out-String -Width 250
        if ($full -match 'monitoring spec') {
            $full | Should -Match 'The monitoring spec is "Database Performance Monitoring Services"'
        }
        $full | Should -Not -Match '(?<!monitoring )\bspec\b(?!ification)' -Because 'a bare "the spec" means nothing to a reader'
    }

    It 'shows the real syntax' {
        $syntax = ($help.Syntax | Out-String)
        $syntax | Should -Match ([regex]::Escape($_))
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $syntax | Should -Match "-$name\b"
        }
    }
}
