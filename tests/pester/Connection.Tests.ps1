BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:Password = Get-TestConnectionPart 'Password'
    $script:Port = Get-TestConnectionPart 'Port'
}

Describe 'Connection errors' -Tag 'Integration' {
    It 'reports an unreachable server as PgPerf.Connection.Failed naming host:port' {
        $closedPort = Get-FreeTcpPort
        $err = { Get-PgPerfSchema -Connection "Host=127.0.0.1;Port=$closedPort;Username=postgres;Timeout=3" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.Failed,*'
        $err.Exception.Message | Should -Match "127\.0\.0\.1:$closedPort"
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'reports a wrong password as an authentication error that does not contain the password' {
        $wrong = 'Wr0ng-Secret-' + [guid]::NewGuid().ToString('N')
        $err = { Get-PgPerfSchema -Connection "Host=127.0.0.1;Port=$script:Port;Username=postgres;Password=$wrong" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.AuthenticationFailed,*'
        $err.Exception.Message | Should -Match 'postgres'
        ($err | Out-String) + $err.Exception.ToString() + ($err | Format-List * -Force | Out-String) | Should -Not -Match $wrong
    }

    It 'names the wrong part of a malformed connection string: <Case>' -ForEach @(
        @{ Case = 'empty host'; Text = 'Host=;Port=5432'; Part = 'Host' }
        @{ Case = 'bad port'; Text = 'Host=db1;Port=abc'; Part = 'Port' }
        @{ Case = 'port out of range'; Text = 'Host=db1;Port=70000'; Part = 'Port' }
        @{ Case = 'no host'; Text = 'Database=app;Username=x'; Part = 'Host' }
        @{ Case = 'unknown keyword'; Text = 'Host=db1;Bogus Keyword=1'; Part = 'Bogus' }
        @{ Case = 'unbalanced quote'; Text = "Host='db1;Port=5432"; Part = 'malformed' }
        @{ Case = 'short form with bad port'; Text = 'db1:notaport/app'; Part = 'port' }
    ) {
        $err = { Get-PgPerfSchema -Connection $Text } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.InvalidConnectionString,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match $Part
    }

    It 'reports a missing database by name' {
        $err = { Get-PgPerfSchema -Connection ((Get-TestConnectionString) -replace 'Database=[^;]*', 'Database=no_such_db_x') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Connection.DatabaseNotFound,*'
        $err.Exception.Message | Should -Match 'no_such_db_x'
    }
}

Describe 'Passwords never leak' -Tag 'Integration' {
    It 'keeps a PSCredential password out of output, JSON, verbose and debug text' {
        $secure = ConvertTo-SecureString $script:Password -AsPlainText -Force
        $cred = [pscredential]::new('postgres', $secure)
        $all = Connect-PgServer -Server "127.0.0.1:$script:Port/postgres" -Credential $cred -PassThru -Verbose -Debug 4>&1 5>&1
        $info = $all | Where-Object { $_ -is [PgPerf.PgConnectionInfo] }
        $info.Host | Should -Be '127.0.0.1'
        $info.ServerVersion | Should -Match '^\d+'
        $text = ($all | Out-String) + ($info | ConvertTo-Json -Depth 5) + ($info | Format-List * -Force | Out-String) + ($info | ConvertTo-Csv | Out-String) + $info.ToString()
        $text | Should -Not -Match ([regex]::Escape($script:Password))
        $info.PSObject.Properties.Name | Should -Not -Contain 'Password'
    }

    It 'keeps a connection-string password out of schema output and verbose text' {
        $all = Get-PgPerfSchema -Connection (Get-TestConnectionString) -Verbose 4>&1
        ($all | Out-String) + ($all | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($script:Password))
    }
}

Describe 'Connection resolution order' -Tag 'Integration' {
    It 'uses the session default, then PGPERF_CONNECTION, then the libpq variables' {
        $cs = Get-TestConnectionString
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:ModulePath'
Remove-Item Env:PGPERF_CONNECTION, Env:PGHOST, Env:PGPORT, Env:PGUSER, Env:PGPASSWORD, Env:PGDATABASE -ErrorAction SilentlyContinue
try { Get-PgPerfSchema | Out-Null; 'none:no-error' } catch { 'none:' + `$_.FullyQualifiedErrorId.Split(',')[0] }
`$env:PGHOST = '127.0.0.1'; `$env:PGPORT = '$script:Port'; `$env:PGUSER = 'postgres'; `$env:PGPASSWORD = '$script:Password'; `$env:PGDATABASE = 'postgres'
'libpq:' + (Get-PgPerfSchema).Server
`$env:PGPERF_CONNECTION = 'Host=127.0.0.1;Port=1;Username=postgres;Timeout=2'
try { Get-PgPerfSchema | Out-Null; 'env:no-error' } catch { 'env:' + `$_.FullyQualifiedErrorId.Split(',')[0] }
Connect-PgServer -ConnectionString '$cs'
'session:' + (Get-PgPerfSchema).Server
"@
        $r = Invoke-FreshPwsh $script
        $r.Output | Should -Match 'none:PgPerf\.Connection\.NotSpecified'
        $r.Output | Should -Match "libpq:127\.0\.0\.1:$script:Port/postgres"
        $r.Output | Should -Match 'env:PgPerf\.Connection\.Failed'
        $r.Output | Should -Match "session:127\.0\.0\.1:$script:Port/postgres"
    }
}
