# Shared by the Pester files: import the built module, make throwaway databases, run SQL with psql.
Set-StrictMode -Version Latest

$script:RepoRoot = $env:PGPERF_REPO_ROOT ?? (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = $env:PGPERF_MODULE_PATH ?? (Join-Path $script:RepoRoot 'out/PgPerf/PgPerf.psd1')
. (Join-Path $script:RepoRoot 'tests/server/TestServer.ps1')

function Get-TestConnectionString {
    if (-not $env:PGPERF_TEST_CONNECTION) { throw 'PGPERF_TEST_CONNECTION is not set: run the tests through ./build.ps1 Test, which starts a throwaway server.' }
    $env:PGPERF_TEST_CONNECTION
}

function Get-TestConnectionPart([string] $Name) {
    foreach ($pair in (Get-TestConnectionString) -split ';') {
        $k, $v = $pair -split '=', 2
        if ($k -eq $Name) { return $v }
    }
}

# Runs SQL through psql as the test superuser; returns rows as text (unaligned, tuples only).
function Invoke-TestSql {
    param([Parameter(Mandatory)] [string] $Sql, [string] $Database = 'postgres', [switch] $AllowError)
    $env:PGPASSWORD = Get-TestConnectionPart 'Password'
    try {
        $output = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h (Get-TestConnectionPart 'Host') -p (Get-TestConnectionPart 'Port') -U (Get-TestConnectionPart 'Username') -d $Database -c $Sql 2>&1
        if ($LASTEXITCODE -ne 0 -and -not $AllowError) { throw "psql failed: $output" }
        $output
    } finally {
        Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
    }
}

# server_version_num of the suite's server, for tests whose setup differs by version (tag them 'Version').
function Get-TestServerVersionNum {
    if (-not (Get-Variable -Scope Script -Name TestServerVersionNum -ErrorAction SilentlyContinue)) {
        $script:TestServerVersionNum = [int](Invoke-TestSql 'SHOW server_version_num')
    }
    $script:TestServerVersionNum
}

# Runs statements in a session of their own and makes their statistics counters (index scans, ...) visible to
# the next reader: PostgreSQL 15+ publishes them on pg_stat_force_next_flush(); before 15 a session sends them
# at most every 500 ms and readers accept collector data up to 500 ms old (see TestDatabase.PublishStatistics).
function Invoke-TestSqlPublishingStats([string] $Sql, [string] $Database = 'postgres') {
    if ((Get-TestServerVersionNum) -ge 150000) { return Invoke-TestSql -Database $Database "$Sql; SELECT pg_stat_force_next_flush();" }
    Invoke-TestSql -Database $Database "$Sql; SELECT pg_sleep(0.6);"
    Start-Sleep -Milliseconds 600
}

# Waits until a condition on the statistics views is true (each try in a new session), for a test that reads counters
# another session's work changed. From PostgreSQL 15 they are there once that session has ended; before 15 they go
# through the statistics collector, and a reader may see them up to about a second late.
function Wait-TestStatistics([string] $Condition, [string] $Database = 'postgres', [int] $TimeoutSeconds = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ((Invoke-TestSql -Database $Database "SELECT ($Condition)") -ne 't') {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Statistics not as expected within $TimeoutSeconds s: $Condition" }
        Start-Sleep -Milliseconds 200
    }
}

# Creates an empty database and returns its name and a connection string to it.
function New-TestDatabase([string] $Prefix = 'pgperf_t') {
    $name = '{0}_{1}' -f $Prefix, [guid]::NewGuid().ToString('N').Substring(0, 10)
    Invoke-TestSql "CREATE DATABASE $name" | Out-Null
    $cs = (Get-TestConnectionString) -replace 'Database=[^;]*', "Database=$name"
    [pscustomobject]@{ Name = $name; ConnectionString = $cs }
}

function Remove-TestDatabase([object] $Database) {
    if ($Database) { Invoke-TestSql "DROP DATABASE IF EXISTS $($Database.Name) WITH (FORCE)" | Out-Null }
}

# Runs a script in a fresh pwsh process (so the module loads into a clean session) and returns its output.
function Invoke-FreshPwsh([Parameter(Mandatory)] [string] $Script) {
    # Under 'dotnet pwsh' this process is dotnet running pwsh.dll; start the same thing again.
    $exe = [Environment]::ProcessPath
    $pwshArgs = @()
    if ((Split-Path $exe -Leaf) -like 'dotnet*') { $pwshArgs += [System.Reflection.Assembly]::GetEntryAssembly().Location }
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-fresh-{0}.ps1" -f [guid]::NewGuid().ToString('N'))
    Set-Content -Path $file -Value $Script
    try {
        $output = & $exe @pwshArgs -NoProfile -NonInteractive -File $file 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    } finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

# A psql session left running in the background, in this test's own process: `\! sleep` keeps it open after the SQL,
# idle in whatever transaction the SQL left open, or still waiting for a lock. Stop it with Stop-TestSession (by id).
function Start-TestSession([Parameter(Mandatory)] [string] $Sql, [Parameter(Mandatory)] [string] $Database, [string] $Application = 'pgperf-test') {
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-session-{0}.sql" -f [guid]::NewGuid().ToString('N'))
    Set-Content -Path $file -Value "$Sql`n\! sleep 120`n"
    $info = [System.Diagnostics.ProcessStartInfo]::new('psql')
    foreach ($a in '-X', '-q', '-h', (Get-TestConnectionPart 'Host'), '-p', (Get-TestConnectionPart 'Port'), '-U', (Get-TestConnectionPart 'Username'), '-d', $Database, '-f', $file) { $info.ArgumentList.Add($a) }
    $info.Environment['PGPASSWORD'] = Get-TestConnectionPart 'Password'
    $info.Environment['PGAPPNAME'] = $Application
    $info.RedirectStandardOutput = $true; $info.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($info) | Add-Member -NotePropertyName SqlFile -NotePropertyValue $file -PassThru
}

# The backend pid of the session with that application name once it meets the condition (SQL on pg_stat_activity).
function Wait-TestBackend([Parameter(Mandatory)] [string] $Application, [Parameter(Mandatory)] [string] $Condition, [Parameter(Mandatory)] [string] $Database) {
    $deadline = (Get-Date).AddSeconds(20)
    do {
        $found = Invoke-TestSql "SELECT pid FROM pg_stat_activity WHERE datname = '$Database' AND application_name = '$Application' AND $Condition"
        if ($found) { return [int]@($found)[0] }
        Start-Sleep -Milliseconds 100
    } while ((Get-Date) -lt $deadline)
    throw "no session '$Application' with $Condition"
}

# Ends sessions started by Start-TestSession (each by its own process, never by name) and removes their SQL files.
function Stop-TestSession([System.Diagnostics.Process[]] $Process) {
    foreach ($p in $Process) {
        if (-not $p) { continue }
        if (-not $p.HasExited) { $p.Kill($true); $p.WaitForExit(5000) | Out-Null }
        Remove-Item $p.SqlFile -ErrorAction SilentlyContinue
        $p.Dispose()
    }
}

# Headless Chromium for the report's browser tests; nothing when none is installed (.ci/run installs Debian's chromium).
function Get-TestChromium { Get-Command chromium, chromium-browser, google-chrome -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 }

# Runs it with its own profile and HOME inside TestDrive: the user's browser profile is never touched.
function Invoke-Chromium([string[]] $Arguments) {
    $profileDir = Join-Path $TestDrive "chromium-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $profileDir | Out-Null
    $all = @('--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-breakpad', '--disable-extensions',
        "--user-data-dir=$profileDir", '--virtual-time-budget=10000') + $Arguments
    & env "HOME=$profileDir" (Get-TestChromium).Source @all 2>$null
}

# The page as the browser has it after its scripts ran, and an attribute the report's script sets on <html>.
function Get-RenderedDom([string] $Path) { (Invoke-Chromium @('--dump-dom', [uri]::new($Path).AbsoluteUri)) -join "`n" }
function Get-RootAttribute([string] $Dom, [string] $Name) {
    $m = [regex]::Match($Dom, "<html[^>]*\s$Name=`"([^`"]*)`"")
    if ($m.Success) { $m.Groups[1].Value } else { $null }
}

# A central repository's registered servers (issue 17) are read through a login that has only pg_monitor, its password
# in an owner-only pgpass file: New-TestMonitorLogin makes one, Get-TestMonitoredConnection the registered connection
# string of a database read through it, Remove-TestMonitorLogin drops both.
function New-TestMonitorLogin([Parameter(Mandatory)] [string] $Prefix) {
    $suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $login = [pscustomobject]@{
        Role     = "${Prefix}_$suffix"
        Password = "pw-$([guid]::NewGuid().ToString('N'))"
        Pgpass   = Join-Path ([System.IO.Path]::GetTempPath()) "$Prefix-$suffix.pgpass"
    }
    Invoke-TestSql "CREATE ROLE $($login.Role) LOGIN PASSWORD '$($login.Password)' IN ROLE pg_monitor" | Out-Null
    Set-Content -Path $login.Pgpass -Value "127.0.0.1:$(Get-TestConnectionPart 'Port'):*:$($login.Role):$($login.Password)"
    if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($login.Pgpass, [System.IO.UnixFileMode]'UserRead, UserWrite') }
    $login
}

function Get-TestMonitoredConnection([Parameter(Mandatory)] [object] $Login, [Parameter(Mandatory)] [string] $Database) {
    "Host=127.0.0.1;Port=$(Get-TestConnectionPart 'Port');Database=$Database;Username=$($Login.Role);Passfile=$($Login.Pgpass)"
}

function Remove-TestMonitorLogin([object] $Login) {
    if (-not $Login) { return }
    Invoke-TestSql "DROP ROLE IF EXISTS $($Login.Role)" -AllowError | Out-Null
    Remove-Item $Login.Pgpass -ErrorAction SilentlyContinue
}

# percentile_cont: linear interpolation between the sorted values around p * (n - 1), as PostgreSQL computes it.
function Get-PercentileCont([double[]] $Values, [double] $P) {
    $sorted = @($Values | Sort-Object)
    $pos = $P * ($sorted.Count - 1)
    $lo = [math]::Floor($pos)
    $hi = [math]::Ceiling($pos)
    $sorted[$lo] + ($sorted[$hi] - $sorted[$lo]) * ($pos - $lo)
}

# A Prometheus text file (Export-PgPerfMetric) as the exposition format's lines: the families in order (TYPE and HELP
# lines) and the samples name{labels} value, each with the family whose TYPE line it stands under.
function Read-TestPrometheusFile([string] $File) {
    $text = Get-Content -LiteralPath $File -Raw
    $families = [System.Collections.Generic.List[string]]::new()
    $samples = [System.Collections.Generic.List[object]]::new()
    foreach ($line in $text -split "`n") {
        if ($line -match '^# TYPE (?<name>\S+) ') { $families.Add($Matches.name); continue }
        if ($line -match '^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$') {
            $labels = @{}
            foreach ($m in [regex]::Matches($Matches.labels ?? '', '(?<k>[a-zA-Z_][a-zA-Z0-9_]*)="(?<v>(\\.|[^"\\])*)"')) { $labels[$m.Groups['k'].Value] = $m.Groups['v'].Value }
            $family = if ($families.Count) { $families[-1] } else { $null }
            $samples.Add([pscustomobject]@{ Name = $Matches.name; Family = $family; Labels = $labels; Value = [double]::Parse($Matches.value, [cultureinfo]::InvariantCulture) })
        }
    }
    [pscustomobject]@{
        Text = $text; Families = @($families); Samples = @($samples)
        Help = @([regex]::Matches($text, '(?m)^# HELP (\S+) ') | ForEach-Object { $_.Groups[1].Value })
    }
}

# The samples of one metric of Read-TestPrometheusFile's result whose labels have the given values.
function Get-TestPrometheusSample($Prom, [string] $Name, [hashtable] $Where = @{}) {
    @(foreach ($s in $Prom.Samples) {
        if ($s.Name -ne $Name) { continue }
        if (@($Where.Keys | Where-Object { $s.Labels[$_] -ne $Where[$_] }).Count -gt 0) { continue }
        $s
    })
}
