# Secrets: a password, wherever it came from, never reaches output objects, verbose/debug text, error records
# (with every inner exception), the spool, a rendered scheduled entry or the job's JSON. Each source runs in its
# own fresh process so environment variables and the session default cannot mix.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-secrets-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $work
    $script:db = New-TestDatabase 'pgperf_sec'
    Invoke-TestSql -Database $db.Name 'CREATE TABLE app_orders (id int PRIMARY KEY); INSERT INTO app_orders SELECT generate_series(1, 100)' | Out-Null
    # A login of its own, so the password is unique to this test and easy to look for.
    $script:user = 'pgperf_t_secret_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:password = 'Zq7' + (New-TestPassword) + 'xK'
    $script:wrong = 'Wr9' + (New-TestPassword) + 'nG'
    Invoke-TestSql "CREATE ROLE $user LOGIN PASSWORD '$password'; ALTER DATABASE $($db.Name) OWNER TO $user" | Out-Null
    $script:hostName = Get-TestConnectionPart 'Host'
    $script:port = Get-TestConnectionPart 'Port'
    $script:closedPort = Get-FreeTcpPort

    # Scheduled entries need a real executable; under 'dotnet pwsh' give them a small launcher.
    $script:pwsh = Join-Path $work 'pwsh'
    $launcher = @([Environment]::ProcessPath)
    if ((Split-Path $launcher[0] -Leaf) -like 'dotnet*') { $launcher += [System.Reflection.Assembly]::GetEntryAssembly().Location }
    Set-Content -Path $pwsh -Value ("#!/bin/sh`nexec " + (($launcher | ForEach-Object { "'$_'" }) -join ' ') + ' "$@"')
    chmod 755 $pwsh
    $script:hasCron = [bool](Get-Command crontab -CommandType Application -ErrorAction SilentlyContinue)
    $script:runs = @{}

    # Everything one source of the password can make PgPerf print, serialize or store, in one text file.
    $script:probe = @'
$ErrorActionPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
Import-Module '@MODULE@'
$source = '@SOURCE@'
$dump = [System.Text.StringBuilder]::new()
function Add-Text($x) { if ($null -ne $x) { [void]$dump.AppendLine(($x | Out-String -Width 400)) } }
function Add-Record($r) {
    if ($r -is [System.Management.Automation.ErrorRecord]) {
        Add-Text $r; Add-Text ($r | Format-List * -Force); Add-Text ($r.Exception | Format-List * -Force)
        [void]$dump.AppendLine($r.Exception.ToString())
        for ($e = $r.Exception; $e; $e = $e.InnerException) { [void]$dump.AppendLine($e.Message); Add-Text ($e.Data) }
        Add-Text $r.ErrorDetails; Add-Text $r.TargetObject; Add-Text $r.CategoryInfo
    } elseif ($r -is [System.Management.Automation.InformationalRecord]) {
        [void]$dump.AppendLine("$($r.GetType().Name): $($r.Message)")
    } else {
        Add-Text $r; Add-Text ($r | Format-List * -Force)
        try { [void]$dump.AppendLine(($r | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue)) } catch { }
        try { [void]$dump.AppendLine(($r | ConvertTo-Csv | Out-String)) } catch { }
    }
}
function Use-Source([string] $Password, [string] $Port) {
    Remove-Item Env:PGHOST, Env:PGPORT, Env:PGDATABASE, Env:PGUSER, Env:PGPASSWORD, Env:PGPASSFILE, Env:PGPERF_CONNECTION -ErrorAction SilentlyContinue
    $p = @{}
    switch ($source) {
        'ConnectionString' { $p.Connection = "Host=@HOST@;Port=$Port;Database=@DB@;Username=@USER@;Password=$Password" }
        'Uri' { $p.Connection = "postgresql://@USER@:$([uri]::EscapeDataString($Password))@@HOST@:$Port/@DB@" }
        'Credential' { $p.Connection = "Host=@HOST@;Port=$Port;Database=@DB@"; $p.Credential = [pscredential]::new('@USER@', (ConvertTo-SecureString $Password -AsPlainText -Force)) }
        'PGPASSWORD' { $env:PGHOST = '@HOST@'; $env:PGPORT = $Port; $env:PGDATABASE = '@DB@'; $env:PGUSER = '@USER@'; $env:PGPASSWORD = $Password }
        'Pgpass' {
            # One file per password: the same file name would reuse the pool's already authenticated sessions.
            $file = Join-Path '@WORK@' "pgpass-$Port-$($Password.Length)-$($Password.Substring(0, 3))"
            if (-not (Test-Path $file)) { New-Item -ItemType File -Path $file | Out-Null; chmod 600 $file }
            Set-Content -Path $file -Value "@HOST@:*:@DB@:@USER@:$Password"
            $env:PGHOST = '@HOST@'; $env:PGPORT = $Port; $env:PGDATABASE = '@DB@'; $env:PGUSER = '@USER@'; $env:PGPASSFILE = $file
        }
    }
    $p
}

$p = Use-Source '@PASSWORD@' '@PORT@'
$records = & {
    if ($p.Connection) { $c = @{ ConnectionString = $p.Connection }; if ($p.Credential) { $c.Credential = $p.Credential }; Connect-PgServer @c -PassThru -Verbose -Debug }
    Install-PgPerfSchema @p -Verbose -Debug
    Get-PgPerfSchema @p -Verbose -Debug
    1..3 | ForEach-Object { [pscustomobject]@{ query_text = "SELECT * FROM app_orders WHERE id = $_"; duration_ms = 600 + $_ } } |
        Send-PgQueryLog @p -PassThru -SpoolPath '@WORK@/spool-ok' -Verbose -Debug
    Measure-PgQuery @p -Name 'orders.count' -SpoolPath '@WORK@/spool-ok' -Verbose -Debug { 1 }
    Get-PgSlowQuery @p -Verbose -Debug
    Get-PgQueryStat @p -Hours 1 -GroupBy Query -Verbose -Debug
    Invoke-PgIndexSnapshot @p -Verbose -Debug
    Invoke-PgBloatSnapshot @p -Verbose -Debug
    Get-PgTableBloat @p -Verbose -Debug
    Get-PgUnusedIndex @p -MinDaysUnused 1 -Verbose -Debug
    $job = Invoke-PgHourlyMonitoring @p -Verbose -Debug
    $job
    $job | ConvertTo-Json -Depth 8
    Get-PgPerfAlert @p -Verbose -Debug
    # Errors: an unknown index, an unknown table, a failing job step (its alert carries the error text).
    Remove-PgIndex @p -Index no_such_index -Confirm:$false
    Get-PgTableBloat @p -Table no_such_table
    Get-PgPerfAlert @p -Type job_failure -Open
} *>&1
foreach ($r in $records) { Add-Record $r }

# A wrong password from the same source, and an unreachable server (its records go to the spool).
$p = Use-Source '@WRONG@' '@PORT@'
$records = & { Get-PgPerfSchema @p -Verbose -Debug; Invoke-PgHourlyMonitoring @p -Verbose } *>&1
foreach ($r in $records) { Add-Record $r }
$p = Use-Source '@PASSWORD@' '@CLOSED@'
$records = & {
    Send-PgQueryLog @p -QueryText 'spooled.q' -DurationMs 5 -Parameters @{ status = 'new' } -SpoolPath '@WORK@/spool-@SOURCE@' -Verbose -Debug
    Invoke-PgHourlyMonitoring @p -Verbose -Debug
    Get-PgSlowQuery @p -Verbose -Debug
} *>&1
foreach ($r in $records) { Add-Record $r }
foreach ($e in $Error) { Add-Record $e }

# The scheduled entry as it would be written (rendered with -WhatIf; nothing is registered).
if ('@CRON@' -eq 'True') {
    $p = Use-Source '@PASSWORD@' '@PORT@'
    # With a pgpass source the entry names that file; otherwise PgPerf would write the password to a new one.
    $file = if ($source -eq 'Pgpass') { $env:PGPASSFILE } else { '@WORK@/job-pgpass' }
    Register-PgPerfScheduledTask -Job Hourly -Scheduler Cron @p -PwshPath '@PWSH@' -ConnectionFile $file -WhatIf -Verbose
}
Set-Content -Path '@WORK@/dump-@SOURCE@.txt' -Value $dump.ToString()
'@
}

AfterAll {
    Remove-TestDatabase $script:db
    Invoke-TestSql "DROP ROLE IF EXISTS $script:user" | Out-Null
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'Security: no password leaks, whatever its source' -Tag 'Security', 'Integration' {
    It 'keeps the password out of everything when it comes from <Source>' -ForEach @(
        @{ Source = 'ConnectionString' }, @{ Source = 'Uri' }, @{ Source = 'Credential' }, @{ Source = 'PGPASSWORD' }, @{ Source = 'Pgpass' }
    ) {
        $script = $probe
        foreach ($pair in @{ '@MODULE@' = $ModulePath; '@SOURCE@' = $Source; '@HOST@' = $hostName; '@PORT@' = $port; '@CLOSED@' = $closedPort; '@DB@' = $db.Name
                '@USER@' = $user; '@PASSWORD@' = $password; '@WRONG@' = $wrong; '@WORK@' = $work; '@PWSH@' = $pwsh; '@CRON@' = "$hasCron" }.GetEnumerator()) {
            $script = $script.Replace($pair.Key, $pair.Value)
        }
        $run = Invoke-FreshPwsh $script
        $dumpFile = Join-Path $work "dump-$Source.txt"
        Test-Path $dumpFile | Should -BeTrue -Because $run.Output
        $dump = Get-Content $dumpFile -Raw

        # The probe really ran: objects, JSON, verbose text, the job's JSON, each kind of error and the spool.
        $dump | Should -Match ([regex]::Escape("${hostName}:$port/$($db.Name)"))
        $dump | Should -Match 'VerboseRecord: '
        $dump | Should -Match '"Job": "Hourly"[\s\S]*"Steps": \['
        $dump | Should -Match 'PgPerf\.Index\.NotFound'
        $dump | Should -Match 'PgPerf\.Bloat\.TableNotFound'
        $dump | Should -Match 'PgPerf\.Connection\.AuthenticationFailed'
        $dump | Should -Match 'PgPerf\.Connection\.Failed'
        $dump | Should -Match ([regex]::Escape("user '$user'"))
        $spoolFiles = @(Get-ChildItem (Join-Path $work "spool-$Source") -File)
        $spoolFiles.Count | Should -BeGreaterThan 0
        $spoolText = ($spoolFiles | ForEach-Object { Get-Content $_.FullName -Raw }) -join "`n"
        $spoolText | Should -Match 'spooled\.q'

        foreach ($secret in $password, $wrong, [uri]::EscapeDataString($password)) {
            $dump | Should -Not -Match ([regex]::Escape($secret))
            $run.Output | Should -Not -Match ([regex]::Escape($secret))
            $spoolText | Should -Not -Match ([regex]::Escape($secret))
        }
        $script:runs[$Source] = $run
        # The job's failure alerts and everything else stored in the database hold no password either.
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.performance_alerts WHERE (message || details::text) LIKE '%$password%'" | Should -Be '0'
    }

    It 'renders the cron entry for <Source> with no password in it' -ForEach @(
        @{ Source = 'ConnectionString' }, @{ Source = 'Uri' }, @{ Source = 'Credential' }, @{ Source = 'PGPASSWORD' }, @{ Source = 'Pgpass' }
    ) {
        if (-not $hasCron) {
            Set-ItResult -Skipped -Because 'crontab is not installed on this machine, so Register-PgPerfScheduledTask -Scheduler Cron cannot render an entry (the .ci/run image has it)'
            return
        }
        $run = $script:runs[$Source]
        $run | Should -Not -BeNullOrEmpty -Because 'the probe for this source ran in the test above'
        $run.Output | Should -Match '# pgperf-job:hourly'
        if ($Source -in 'ConnectionString', 'Uri', 'Credential', 'PGPASSWORD') { $run.Output | Should -Match 'owner-only, mode 0600' }
    }
}

Describe 'Security: what Send-PgQueryLog stores of query parameters' -Tag 'Security', 'Integration' {
    BeforeAll {
        $script:cs = (Get-TestConnectionString) -replace 'Database=[^;]*', "Database=$($db.Name)"
        Install-PgPerfSchema -Connection $cs | Out-Null
    }

    It 'Keep is the default; Redact stores no values; Drop stores no parameters' {
        $params = @{ card = '4111-1111-1111-1111'; pin = 1234; nested = @{ email = 'ann@example.com' }; tags = @('vip') }
        Send-PgQueryLog -Connection $cs -QueryText 'pay.keep' -DurationMs 1 -Parameters $params -SpoolPath (Join-Path $work 'p')
        Send-PgQueryLog -Connection $cs -QueryText 'pay.redact' -DurationMs 1 -Parameters $params -ParameterMode Redact -SpoolPath (Join-Path $work 'p')
        Send-PgQueryLog -Connection $cs -QueryText 'pay.drop' -DurationMs 1 -Parameters $params -ParameterMode Drop -SpoolPath (Join-Path $work 'p')
        Measure-PgQuery -Connection $cs -Name 'pay.measure' -Parameters $params -ParameterMode Redact -SpoolPath (Join-Path $work 'p') { 1 } | Out-Null

        Invoke-TestSql -Database $db.Name "SELECT parameters->>'card' FROM pgperf.query_performance_logs WHERE query_text = 'pay.keep'" | Should -Be '4111-1111-1111-1111'
        $redacted = Invoke-TestSql -Database $db.Name "SELECT parameters::text FROM pgperf.query_performance_logs WHERE query_text IN ('pay.redact', 'pay.measure')"
        @($redacted).Count | Should -Be 2
        foreach ($text in $redacted) {
            $text | Should -Not -Match '4111|1234|ann@example|vip'
            ($text | ConvertFrom-Json).card | Should -Be '***'
            ($text | ConvertFrom-Json).nested.email | Should -Be '***'
        }
        Invoke-TestSql -Database $db.Name "SELECT parameters IS NULL FROM pgperf.query_performance_logs WHERE query_text = 'pay.drop'" | Should -Be 't'
    }
}
