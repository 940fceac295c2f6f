# Throwaway PostgreSQL for tests, the demo and benchmarks. Dot-source it, then:
#   $s = Start-PgPerfTestServer [-Server Auto|Container|Local] [-PgVersion 13..18]; ...; Stop-PgPerfTestServer $s
# -PgVersion (or $env:PGPERF_TEST_PG_VERSION) runs the local path with the pinned build of that major
# (PgBinaries.ps1, PgVersions.psd1); without it the local path uses the machine's own PostgreSQL.
# The server's state is written to a JSON file ($s.StateFile) so tests in other processes can stop
# and restart it (Suspend-/Resume-PgPerfTestServer) to simulate outages.

Set-StrictMode -Version Latest

$script:ContainerScript = Join-Path $PSScriptRoot 'Container.ps1'

# Settings of every throwaway server. Autovacuum is off because an automatic ANALYZE in a test's database
# holds back the cleanup horizon, so a test's VACUUM FULL would sometimes give nothing back; tests vacuum
# and analyze explicitly. The durability settings go off unless -Durable: a throwaway server need not
# survive a power cut.
$script:TestServerSettings = @('autovacuum=off', 'max_connections=200')
$script:FastSettings = @('fsync=off', 'synchronous_commit=off', 'full_page_writes=off')
if (Test-Path $script:ContainerScript) { . $script:ContainerScript }
. (Join-Path $PSScriptRoot 'Standby.ps1')

. (Join-Path $PSScriptRoot 'PgBinaries.ps1')

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-TestPassword {
    -join ((1..24) | ForEach-Object { [char[]]'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789' | Get-Random })
}

function Test-IsRoot { (& id -u) -eq '0' }

function Find-PgBinFolder {
    $initdb = Get-Command initdb -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($initdb) {
        # /usr/local/bin/initdb is often a link into the version's own bin folder, next to pg_ctl.
        $target = (Get-Item $initdb.Source).ResolveLinkTarget($true)
        return $(if ($target) { $target.DirectoryName } else { Split-Path $initdb.Source })
    }
    $pgConfig = Get-Command pg_config -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($pgConfig) {
        $bin = (& $pgConfig.Source --bindir).Trim()
        if (Test-Path (Join-Path $bin 'initdb')) { return $bin }
    }
    $found = Get-ChildItem '/usr/lib/postgresql/*/bin/initdb' -ErrorAction SilentlyContinue |
        Sort-Object { [int]($_.FullName -replace '^/usr/lib/postgresql/(\d+)/.*$', '$1') } -Descending | Select-Object -First 1
    if ($found) { return $found.DirectoryName }
    throw "No PostgreSQL server binaries found (initdb not on PATH, no pg_config, nothing in /usr/lib/postgresql/*/bin). Install them, for example 'apt-get install postgresql', or use -Server Container."
}

# Runs a PostgreSQL binary, as the postgres OS user when we are root (initdb and postgres refuse root).
function Invoke-PgBinary([string] $Path, [string[]] $Arguments) {
    if (Test-IsRoot) {
        $output = & runuser -u postgres -- $Path @Arguments 2>&1
    } else {
        $output = & $Path @Arguments 2>&1
    }
    if ($LASTEXITCODE -ne 0) {
        throw "$(Split-Path $Path -Leaf) failed (exit $LASTEXITCODE): $($output -join [Environment]::NewLine)"
    }
}

# Stops servers left behind by runs that were killed before their cleanup ran.
function Remove-StaleTestServer {
    foreach ($dir in Get-ChildItem ([System.IO.Path]::GetTempPath()) -Directory -Filter 'pgperf-test-*' -ErrorAction SilentlyContinue) {
        $stateFile = Join-Path $dir.FullName 'state.json'
        if (-not (Test-Path $stateFile)) { continue }
        try {
            $state = Get-Content $stateFile -Raw | ConvertFrom-Json
            if (Get-Process -Id $state.OwnerPid -ErrorAction SilentlyContinue) { continue }
            Write-Host "Removing a test server left behind by process $($state.OwnerPid): $($dir.FullName)"
            Stop-PgPerfTestServer -Server $state
        } catch {
            Write-Warning "Could not clean up $($dir.FullName): $_"
        }
    }
}

function Start-PgPerfTestServer {
    [CmdletBinding()]
    param(
        [ValidateSet('Auto', 'Container', 'Local')]
        [string] $Server = $(if ($env:PGPERF_TEST_SERVER) { $env:PGPERF_TEST_SERVER } else { 'Auto' }),
        # A major version from PgVersions.psd1 instead of the machine's own PostgreSQL (local path only).
        [ValidateSet('', '13', '14', '15', '16', '17', '18')]
        [string] $PgVersion = $env:PGPERF_TEST_PG_VERSION,
        # Durability settings off: a throwaway server need not survive a power cut, and tests run faster.
        [switch] $Durable
    )
    Remove-StaleTestServer
    if ($PgVersion) {
        if ($Server -eq 'Container') { throw "-PgVersion $PgVersion runs the local path; it cannot be combined with -Server Container." }
        return Start-LocalTestServer -BinDir (Install-PgPerfTestBinaries -Major $PgVersion) -Durable:$Durable
    }
    $kind = $Server
    if ($kind -eq 'Auto') {
        $kind = 'Local'
        if (Get-Command Find-PgContainerEngine -ErrorAction SilentlyContinue) {
            $engine = Find-PgContainerEngine
            if ($engine.Engine) { $kind = 'Container' } else { Write-Host "No container engine: $($engine.Reason). Using the local server binaries." }
        }
    }
    if ($kind -eq 'Container') {
        if (-not (Get-Command Start-PgContainerServer -ErrorAction SilentlyContinue)) {
            throw "The container path is not available ($script:ContainerScript is missing). Use -Server Local."
        }
        return Start-TestContainer -Durable:$Durable
    }
    return Start-LocalTestServer -Durable:$Durable
}

# Starts initdb/pg_ctl from $BinDir (default: the machine's own PostgreSQL) on a free loopback port.
function Start-LocalTestServer([string] $BinDir, [switch] $Durable) {
    $bin = if ($BinDir) { $BinDir } else { Find-PgBinFolder }
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-test-{0}-{1}" -f $PID, [guid]::NewGuid().ToString('N').Substring(0, 8))
    $data = Join-Path $root 'data'
    New-Item -ItemType Directory -Path $root | Out-Null
    $password = New-TestPassword
    $port = Get-FreeTcpPort
    $state = [ordered]@{
        Kind = 'Local'; Host = '127.0.0.1'; Port = $port; User = 'postgres'; Password = $password; Database = 'postgres'
        Root = $root; DataDir = $data; BinDir = $bin; OwnerPid = $PID; StateFile = (Join-Path $root 'state.json')
        ServerOptions = ''
    }
    $state.ConnectionString = "Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
    $state | ConvertTo-Json | Set-Content -Path $state.StateFile
    try {
        $pwFile = Join-Path $root 'pwfile'
        Set-Content -Path $pwFile -Value $password -NoNewline
        if (Test-IsRoot) { & chown -R postgres $root; if ($LASTEXITCODE) { throw "chown of $root failed" } }
        $started = [System.Diagnostics.Stopwatch]::StartNew()
        Invoke-PgBinary (Join-Path $bin 'initdb') @('-D', $data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256',
            "--pwfile=$pwFile", '-E', 'UTF8', '--locale=C', '--no-sync')
        Remove-Item -Force $pwFile
        $options = @("-p $port", '-c listen_addresses=127.0.0.1', "-c unix_socket_directories=$root",
            "-c shared_preload_libraries=pg_stat_statements") + ($script:TestServerSettings | ForEach-Object { "-c $_" })
        if (-not $Durable) { $options += $script:FastSettings | ForEach-Object { "-c $_" } }
        $state.ServerOptions = $options -join ' '
        $state | ConvertTo-Json | Set-Content -Path $state.StateFile
        Invoke-PgBinary (Join-Path $bin 'pg_ctl') @('-D', $data, '-l', (Join-Path $root 'server.log'), '-o', $state.ServerOptions, '-w', '-t', '60', 'start')
        $release = (& (Join-Path $bin 'postgres') --version) -replace '^.*\)\s*', ''
        Write-Host ("Test server: local PostgreSQL {0} ({1}) on 127.0.0.1:{2}, ready in {3:n1} s" -f $release, $bin, $port, $started.Elapsed.TotalSeconds)
    } catch {
        Stop-PgPerfTestServer -Server ([pscustomobject]$state)
        throw
    }
    [pscustomobject]$state
}

function Start-TestContainer([switch] $Durable) {
    $port = Get-FreeTcpPort
    $password = New-TestPassword
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    $settings = $script:TestServerSettings + $(if ($Durable) { @() } else { $script:FastSettings })
    $container = Start-PgContainerServer -Port $port -Password $password -ServerSetting $settings
    $root = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-test-{0}-{1}" -f $PID, [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $root | Out-Null
    $state = [ordered]@{
        Kind = 'Container'; Host = '127.0.0.1'; Port = $port; User = $container.User; Password = $password; Database = 'postgres'
        Root = $root; Engine = $container.Engine; ContainerName = $container.ContainerName; Image = $container.Image
        OwnerPid = $PID; StateFile = (Join-Path $root 'state.json')
    }
    $state.ConnectionString = "Host=127.0.0.1;Port=$port;Username=$($container.User);Password=$password;Database=postgres"
    $state | ConvertTo-Json | Set-Content -Path $state.StateFile
    Write-Host ("Test server: PostgreSQL in a {0} container ({1}) on 127.0.0.1:{2}, ready in {3:n1} s" -f $container.Engine, $container.Image, $port, $started.Elapsed.TotalSeconds)
    [pscustomobject]$state
}

function Get-TestServerState([object] $Server) {
    if ($Server) { return $Server }
    if (-not $env:PGPERF_TEST_SERVER_STATE -or -not (Test-Path $env:PGPERF_TEST_SERVER_STATE)) {
        throw 'No test server: PGPERF_TEST_SERVER_STATE is not set. Run the tests through ./build.ps1 Test.'
    }
    Get-Content $env:PGPERF_TEST_SERVER_STATE -Raw | ConvertFrom-Json
}

# Stops the server without removing it (simulates an outage); Resume-PgPerfTestServer brings it back.
function Suspend-PgPerfTestServer([object] $Server) {
    $s = Get-TestServerState $Server
    if ($s.Kind -eq 'Container') { & $s.Engine stop -t 2 $s.ContainerName 2>&1 | Out-Null; return }
    Invoke-PgBinary (Join-Path $s.BinDir 'pg_ctl') @('-D', $s.DataDir, '-m', 'fast', '-w', 'stop')
}

function Resume-PgPerfTestServer([object] $Server) {
    $s = Get-TestServerState $Server
    if ($s.Kind -eq 'Container') {
        & $s.Engine start $s.ContainerName 2>&1 | Out-Null
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            & pg_isready -q -h $s.Host -p $s.Port 2>&1 | Out-Null
            if ($LASTEXITCODE -eq 0) { return }
            Start-Sleep -Milliseconds 200
        }
        throw "The test container $($s.ContainerName) did not come back within 60 s."
    }
    Invoke-PgBinary (Join-Path $s.BinDir 'pg_ctl') @('-D', $s.DataDir, '-l', (Join-Path $s.Root 'server.log'), '-o', $s.ServerOptions, '-w', '-t', '60', 'start')
}

function Stop-PgPerfTestServer {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Server)
    try {
        if ($Server.Kind -eq 'Container') {
            if (Get-Command Stop-PgContainerServer -ErrorAction SilentlyContinue) { Stop-PgContainerServer -Server $Server }
        } elseif ($Server.DataDir -and (Test-Path (Join-Path $Server.DataDir 'postmaster.pid'))) {
            Stop-PgPerfTestStandbys $Server
            Invoke-PgBinary (Join-Path $Server.BinDir 'pg_ctl') @('-D', $Server.DataDir, '-m', 'immediate', '-w', 'stop')
        }
    } catch {
        Write-Warning "Stopping the test server failed: $_"
    } finally {
        if ($Server.Root -and (Test-Path $Server.Root)) { Remove-Item -Recurse -Force $Server.Root -ErrorAction SilentlyContinue }
    }
}
