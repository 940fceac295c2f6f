# Send-PgQueryLog -InputObject: piped records come in whole and are read by field name. The database must hold the
# same rows as when PowerShell binds the same records by name (splatting and by-property pipeline binding), and a
# bad record is an error with its position while the others are written.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    # Every column a record can set, in a stable order; record_id and the hash of identical texts are the same by design.
    function Get-StoredRows([string] $Database, [string] $Where = 'true') {
        Invoke-TestSql -Database $Database @"
SELECT query_text, duration_ms, coalesce(endpoint, '<null>'), coalesce(user_id, '<null>'), coalesce(parameters::text, '<null>'),
       to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), is_error, query_hash, query_truncated
FROM pgperf.query_performance_logs WHERE $Where ORDER BY query_text, duration_ms
"@
    }
}

Describe 'Send-PgQueryLog reads whole piped records' -Tag 'Integration', 'Query' {
    BeforeAll {
        # Two databases: one written through -InputObject, one through PowerShell's own binding by name.
        $script:whole = New-TestDatabase
        $script:byName = New-TestDatabase
        foreach ($d in $whole, $byName) { Install-PgPerfSchema -Connection $d.ConnectionString | Out-Null }
        $script:csv = Join-Path $TestDrive 'timings.csv'
        # Text as Import-Csv gives it: numbers with exponents and spaces, thousands separators, flags as words and
        # digits, empty optional columns, times with offsets, JSON parameters.
        @'
query_text,duration_ms,endpoint,user_id,parameters,logged_at,is_error
conversations.list,12.5,/api/conversations,u1,"{""status"":""approved""}",2025-10-30T10:30:00Z,false
conversations.get,800,/api/conversations/1,u2,,2025-10-30T10:31:00+02:00,true
SELECT * FROM t WHERE id = 42, 1e2 ,,,,2025-10-30T10:32:00Z,yes
orders.count,"1,5",/o,,"[1,2]",2025-10-30 10:33:00,0
orders.sum,0.001,/o,u3,,2025-10-30T10:34:00.123456Z,1
'@ | Set-Content $csv
    }
    AfterAll {
        Remove-TestDatabase $script:whole
        Remove-TestDatabase $script:byName
    }
    BeforeEach {
        foreach ($d in $whole, $byName) { Invoke-TestSql -Database $d.Name 'TRUNCATE pgperf.query_performance_logs' | Out-Null }
    }

    It 'stores the same rows for Import-Csv records as binding each record by name does' {
        Import-Csv $csv | Send-PgQueryLog -Connection $whole.ConnectionString -AlertThresholdMs 0
        foreach ($row in Import-Csv $csv) {
            $named = @{}
            foreach ($p in $row.psobject.Properties) { $named[$p.Name] = $p.Value }
            Send-PgQueryLog -Connection $byName.ConnectionString -AlertThresholdMs 0 @named
        }
        $rows = @(Get-StoredRows $whole.Name)
        $rows.Count | Should -Be 5
        $rows | Should -Be @(Get-StoredRows $byName.Name)
        # One value read by hand, so the comparison cannot pass on two empty or equally wrong tables.
        $rows | Where-Object { $_ -like 'orders.count|*' } | Should -BeLike 'orders.count|15|/o|<null>|`[1, 2`]|*|f|*|f'
        $rows | Where-Object { $_ -like 'conversations.get|*' } | Should -BeLike 'conversations.get|800|/api/conversations/1|u2|<null>|2025-10-30 08:31:00.000000|t|*|f'
        $rows | Where-Object { $_ -like 'SELECT*' } | Should -BeLike 'SELECT * FROM t WHERE id = 42|100|<null>|<null>|<null>|2025-10-30 10:32:00.000000|t|*|f'
    }

    It 'stores the same rows for PSCustomObjects (PascalCase, snake_case, typed values) as by-property pipeline binding does' {
        $at = [datetimeoffset]'2025-11-01T08:00:00Z'
        $records = @(
            [pscustomobject]@{ QueryText = 'pascal.q'; DurationMs = 3; Endpoint = '/p'; Parameters = @{ n = 1 }; LoggedAt = $at; IsError = $true }
            [pscustomobject]@{ query_text = 'snake.q'; duration_ms = [decimal]4.25; endpoint = 7; parameters = '{"a": null}'; logged_at = $at.DateTime; is_error = 0 }
            [pscustomobject]@{ Name = 'alias.q'; Duration = [long]5; LoggedAt = $at.AddSeconds(1) }
            [pscustomobject]@{ Query = 'alias2.q'; duration_ms = '6'; LoggedAt = $at.AddSeconds(2); Extra = 'ignored' }
        )
        $records | Send-PgQueryLog -Connection $whole.ConnectionString -AlertThresholdMs 0
        # -UserId on the command line selects the by-property parameter set: PowerShell binds each field itself.
        $records | Send-PgQueryLog -Connection $byName.ConnectionString -AlertThresholdMs 0 -UserId $null
        $rows = @(Get-StoredRows $whole.Name)
        $rows.Count | Should -Be 4
        $rows | Should -Be @(Get-StoredRows $byName.Name)
        $rows[0] | Should -BeLike 'alias.q|5|<null>|<null>|<null>|2025-11-01 08:00:01.000000|f|*'
        ($rows | Where-Object { $_ -like 'pascal.q|*' }) | Should -BeLike 'pascal.q|3|/p|<null>|{"n": 1}|2025-11-01 08:00:00.000000|t|*'
    }

    It 'takes hashtables by key, as it takes objects by property' {
        @(
            @{ query_text = 'hash.q'; duration_ms = 11; endpoint = '/h'; is_error = 'true' }
            [ordered]@{ QueryText = 'hash.q'; DurationMs = 12; Parameters = @{ k = 'v' } }
        ) | Send-PgQueryLog -Connection $whole.ConnectionString -AlertThresholdMs 0
        Get-StoredRows $whole.Name | ForEach-Object { ($_ -split '\|')[0..4 + 6] -join '|' } |
            Should -Be @('hash.q|11|/h|<null>|<null>|t', 'hash.q|12|<null>|<null>|{"k": "v"}|f')
    }

    It 'reports a bad record in the middle by its position and field, and writes the others' {
        $records = @(
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = 1 }
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = 'twelve' }
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = 3 }
            [pscustomobject]@{ query_text = 'pos.q' }
            @{ query_text = 'pos.q'; duration_ms = 5; logged_at = 'yesterday-ish' }
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = 6; is_error = 'maybe' }
            [pscustomobject]@{ query_text = ''; duration_ms = 7 }
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = -8 }
            [pscustomobject]@{ query_text = 'pos.q'; duration_ms = 9 }
        )
        $records | Send-PgQueryLog -Connection $whole.ConnectionString -ErrorVariable e -ErrorAction SilentlyContinue
        @(Get-StoredRows $whole.Name | ForEach-Object { ($_ -split '\|')[1] }) | Should -Be @('1', '3', '9')
        @($e | ForEach-Object { $_.Exception.Message -replace ':.*' }) | Should -Be @('Record 2', 'Record 4', 'Record 5', 'Record 6', 'Record 7', 'Record 8')
        @($e | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*' }) | Should -Be @(
            'PgPerf.Query.InvalidField', 'PgPerf.Query.InvalidField', 'PgPerf.Query.InvalidField', 'PgPerf.Query.InvalidField',
            'PgPerf.Query.EmptyQueryText', 'PgPerf.Query.InvalidDuration')
        @($e | Select-Object -First 4 | ForEach-Object { $_.Exception.ParameterName }) | Should -Be @('DurationMs', 'DurationMs', 'LoggedAt', 'IsError')
        $e[0].Exception.Message | Should -Match "DurationMs 'twelve' cannot be read as a number"
        $e[1].Exception.Message | Should -Match 'no value for DurationMs or duration_ms or Duration'
        $e[0].ErrorDetails.RecommendedAction | Should -Be 'Correct -DurationMs of record 2.'
        $e[0].TargetObject | Should -Be 2
    }

    It 'keeps the parameter sets: fields on the command line (named or by position), or piped records with a field on the command line' {
        $cmd = Get-Command Send-PgQueryLog
        $cmd.DefaultParameterSet | Should -Be 'InputObject'
        @($cmd.ParameterSets.Name | Sort-Object) | Should -Be @('InputObject', 'Record')
        foreach ($name in 'QueryText', 'DurationMs', 'Endpoint', 'UserId', 'Parameters', 'LoggedAt', 'IsError') {
            $cmd.Parameters[$name].ParameterSets['Record'].ValueFromPipelineByPropertyName | Should -BeTrue -Because $name
        }
        Send-PgQueryLog -Connection $whole.ConnectionString -QueryText 'single.q' -DurationMs 2 -AlertThresholdMs 0
        Send-PgQueryLog 'positional.q' 3 -Connection $whole.ConnectionString -AlertThresholdMs 0
        [pscustomobject]@{ query_text = 'mixed.q'; duration_ms = 4 } | Send-PgQueryLog -Connection $whole.ConnectionString -Endpoint '/cmdline' -AlertThresholdMs 0
        Get-StoredRows $whole.Name | ForEach-Object { ($_ -split '\|')[0..2] -join '|' } | Should -Be @('mixed.q|4|/cmdline', 'positional.q|3|<null>', 'single.q|2|<null>')
    }

    It 'takes -Connection by property name only: piped records without it go to the default target, or to their own Connection' {
        # By value, PowerShell tried every piped record as a target and failed, once per record (3-7x slower).
        $connection = (Get-Command Send-PgQueryLog).Parameters['Connection']
        @($connection.ParameterSets.Values.ValueFromPipeline) | Should -Not -Contain $true
        @($connection.ParameterSets.Values.ValueFromPipelineByPropertyName) | Should -Not -Contain $false
        # The other cmdlets keep taking targets by value ('db1', 'db2' | Get-PgActivity).
        (Get-Command Get-PgActivity).Parameters['Connection'].ParameterSets.Values[0].ValueFromPipeline | Should -BeTrue

        # A runspace of its own: no session default left by Connect-PgServer in an earlier test file.
        $savedEnv = $env:PGPERF_CONNECTION
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $FromEnvironment, $Own, $FromDefaults)
                    Import-Module $ModulePath
                    $env:PGPERF_CONNECTION = $FromEnvironment
                    @(
                        [pscustomobject]@{ query_text = 'env.q'; duration_ms = 1 }
                        [pscustomobject]@{ query_text = 'own.q'; duration_ms = 2; Connection = $Own }
                        @{ query_text = 'env.q'; duration_ms = 3 }
                    ) | Send-PgQueryLog -AlertThresholdMs 0
                    $env:PGPERF_CONNECTION = $null
                    $PSDefaultParameterValues['Send-PgQueryLog:Connection'] = $FromDefaults
                    [pscustomobject]@{ query_text = 'default.q'; duration_ms = 4 } | Send-PgQueryLog -AlertThresholdMs 0
                }).AddArgument($script:ModulePath).AddArgument($whole.ConnectionString).AddArgument($byName.ConnectionString).AddArgument($byName.ConnectionString)
            $ps.Invoke()
            @($ps.Streams.Error) | Should -BeNullOrEmpty
        }
        finally {
            $ps.Dispose()
            $env:PGPERF_CONNECTION = $savedEnv
        }
        Get-StoredRows $whole.Name | ForEach-Object { ($_ -split '\|')[0..1] -join '|' } | Should -Be @('env.q|1', 'env.q|3')
        Get-StoredRows $byName.Name | ForEach-Object { ($_ -split '\|')[0..1] -join '|' } | Should -Be @('default.q|4', 'own.q|2')
    }
}
