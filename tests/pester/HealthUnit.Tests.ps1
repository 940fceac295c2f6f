# The server-right-now types and parameters, without a server: default views that fit 80 columns with property
# names (or their aliases) as headers, and bad input refused before any connection.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $PSStyle.OutputRendering = 'PlainText'
}

Describe 'Server-right-now types' -Tag 'Unit', 'Health' {
    It 'has a default table view for <_> that fits 80 columns and names properties' -ForEach 'PgSessionActivity', 'PgBlockingSession', 'PgSessionStopResult', 'PgWraparoundRisk', 'PgSequenceRisk', 'PgVacuumHealth', 'PgHealthCheckResult' {
        $typeName = $_
        $view = Get-FormatData -TypeName "PgPerf.$typeName"
        $view | Should -Not -BeNullOrEmpty
        $type = [type]"PgPerf.$typeName"
        $sample = [Activator]::CreateInstance($type)
        foreach ($header in $view.FormatViewDefinition[0].Control.Headers.Label) {
            # A property, or one of the short aliases of module/PgPerf.Types.ps1xml.
            $sample.PSObject.Properties[$header] | Should -Not -BeNullOrEmpty -Because "the column header '$header' must be a property (or alias) of $typeName"
        }
        foreach ($p in $type.GetProperties() | Where-Object { $_.CanWrite -and $_.PropertyType -eq [string] }) { $p.SetValue($sample, 'x' * 60) }
        $lines = ($sample | Format-Table | Out-String -Width 80) -split "`n"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'refuses <Name> before touching a server' -ForEach @(
        @{ Name = 'Get-PgActivity -MinDurationSeconds -1'; Call = { Get-PgActivity -MinDurationSeconds -1 -Connection 'localhost:1/none' } }
        @{ Name = 'Get-PgActivity -State sleeping'; Call = { Get-PgActivity -State sleeping -Connection 'localhost:1/none' } }
        @{ Name = 'Stop-PgSession -Pid 0'; Call = { Stop-PgSession -Pid 0 -Connection 'localhost:1/none' -WhatIf } }
        @{ Name = 'Get-PgSequenceRisk -WarningPercent 101'; Call = { Get-PgSequenceRisk -WarningPercent 101 -Connection 'localhost:1/none' } }
        @{ Name = 'Get-PgVacuumHealth -OverdueFactor 0'; Call = { Get-PgVacuumHealth -OverdueFactor 0 -Connection 'localhost:1/none' } }
        @{ Name = 'Invoke-PgHealthCheck -BlockingWarningSeconds -5'; Call = { Invoke-PgHealthCheck -BlockingWarningSeconds -5 -Connection 'localhost:1/none' } }
    ) {
        $err = { & $Call } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,PgPerf.Commands.*'
    }

    It 'completes -Check with the names in the check list' {
        $line = 'Invoke-PgHealthCheck -Check se'
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $names | Should -Be @('sequences')
    }
}
