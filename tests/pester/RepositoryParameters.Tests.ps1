# -Repository and -Server (issue 17) are declared in four places, because C# gives a cmdlet one base and the bases of
# Get-PgTableBloatTrend (PgTableNameCmdlet) and Invoke-PgHourlyMonitoring (PgJobCmdlet) are shared with cmdlets that
# take no -Server: PgRepositoryReaderCmdlet, PgSnapshotCmdlet and those two cmdlets. This holds the declarations alike
# on every cmdlet that has them, so that the copies cannot drift apart (Send-PgQueryLog's -Server, one exact name to
# write as, is the one kind that differs on purpose).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    # (Connect-PgServer's -Server is the host to connect to, as CMDLETS.md has it.)
    $script:withServer = @(Get-Command -Module PgPerf -CommandType Cmdlet | Where-Object { $_.Parameters.ContainsKey('Server') -and $_.Name -ne 'Connect-PgServer' } |
        ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    function Get-ParameterAttribute($parameter, [type] $type) { @($parameter.Attributes | Where-Object { $_ -is $type }) }
    # Send-PgQueryLog writes as one registered server: its -Server is one exact name (RepositoryQueryLog.Tests.ps1).
    $script:writesAsOneServer = @('Send-PgQueryLog')
    # Cmdlets outside PgRepositoryReaderCmdlet that refuse -Server without -Repository themselves, and the test that shows it.
    $script:refusesItself = @{
        'Get-PgTableBloat' = 'RepositoryReports.Tests.ps1'
        'Send-PgQueryLog'  = 'RepositoryQueryLog.Tests.ps1'
    }
}

Describe '-Repository and -Server' -Tag 'Unit', 'Repository' {
    It 'are on the report, live, snapshot and job cmdlets' {
        $withServer.Count | Should -BeGreaterThan 15
    }

    It '<Name> declares them as every other cmdlet does' -ForEach $withServer {
        $command = Get-Command $Name
        $repository = $command.Parameters['Repository']
        $server = $command.Parameters['Server']
        $repository | Should -Not -BeNullOrEmpty -Because '-Server names servers registered in a repository'
        $repository.ParameterType | Should -Be ([PgPerf.PgTarget])
        Get-ParameterAttribute $repository ([System.Management.Automation.ValidateNotNullAttribute]) | Should -HaveCount 1
        if ($Name -in $writesAsOneServer) {
            $server.ParameterType | Should -Be ([string])
            Get-ParameterAttribute $server ([System.Management.Automation.SupportsWildcardsAttribute]) | Should -HaveCount 0
        }
        else {
            $server.ParameterType | Should -Be ([string[]])
            Get-ParameterAttribute $server ([System.Management.Automation.SupportsWildcardsAttribute]) | Should -HaveCount 1
        }
        Get-ParameterAttribute $server ([System.Management.Automation.ValidateNotNullOrEmptyAttribute]) | Should -HaveCount 1
        foreach ($p in $repository, $server) {
            foreach ($a in Get-ParameterAttribute $p ([System.Management.Automation.ParameterAttribute])) {
                $a.ValueFromPipeline -or $a.ValueFromPipelineByPropertyName | Should -BeFalse -Because "-$($p.Name) of $Name is given on the command line"
            }
        }
    }

    It '<Name> takes -Server only with -Repository' -ForEach $withServer {
        $command = Get-Command $Name
        $serverSets = @(Get-ParameterAttribute $command.Parameters['Server'] ([System.Management.Automation.ParameterAttribute]) | ForEach-Object ParameterSetName)
        if ($serverSets -contains '__AllParameterSets') {
            # In every set: the cmdlet refuses it at run time (PgPerf.Repository.ServerWithoutRepository, tested per cmdlet).
            if ($refusesItself.ContainsKey($Name)) {
                Select-String -Path (Join-Path $PSScriptRoot $refusesItself[$Name]) -SimpleMatch 'PgPerf.Repository.ServerWithoutRepository' |
                    Should -Not -BeNullOrEmpty -Because "$Name refuses -Server without -Repository itself, as $($refusesItself[$Name]) shows"
            }
            else {
                $command.ImplementingType.IsSubclassOf([PgPerf.Commands.PgRepositoryReaderCmdlet]) | Should -BeTrue -Because "$Name must refuse -Server without -Repository"
            }
        }
        else {
            # In a set of its own, where -Repository is mandatory: the binder refuses -Server alone.
            foreach ($set in $serverSets) {
                $mandatory = Get-ParameterAttribute $command.Parameters['Repository'] ([System.Management.Automation.ParameterAttribute]) |
                    Where-Object { $_.ParameterSetName -eq $set -and $_.Mandatory }
                $mandatory | Should -HaveCount 1 -Because "-Repository must be mandatory in $Name's set $set, which takes -Server"
            }
            $command.DefaultParameterSet | Should -Not -BeIn $serverSets -Because "$Name without -Repository runs on -Connection"
        }
    }
}
