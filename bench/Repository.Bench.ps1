# A fleet in one central repository (issue 17, item 3). Starts three throwaway local PostgreSQL servers (different
# majors where the pinned builds are already in the cache that .ci/run fills; three of the machine's own version
# otherwise, said loudly), creates -Databases monitored databases spread over them (pg_stat_statements and some
# workload in each), a pg_monitor login per server whose password is only in an owner-only pgpass file, registers
# every database in one repository (on the server ./build.ps1 Bench started) and measures
# Invoke-PgHourlyMonitoring -Repository: all databases with -ThrottleLimit 8 (goal: under 60 s wall time), how the
# time grows with the number of databases and servers, -ThrottleLimit 1 against 8, and one database alone as the
# reference of the same run. The servers are always removed. Results go into docs/benchmarks.md ("A fleet in one
# repository").
#   dotnet pwsh -c "./build.ps1 Bench -Server Local -BenchArgs @{ Only = 'Repository' }"
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Databases = 50,
    # Distinct statements each database runs per round of workload (pg_stat_statements entries).
    [int] $StatementsPerDatabase = 60,
    [int] $Runs = 3,
    [int] $ThrottleLimit = 8,
    # Majors to run beside the machine's own, in order of preference, when their pinned build is cached.
    [string[]] $OtherMajors = @('18', '13', '17', '16', '14')
)
$ErrorActionPreference = 'Stop'
# Benchmarks run earlier in this process leave their superuser's PGPASSWORD here; Npgsql would send it for the
# monitoring login instead of the pgpass file's.
Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
. (Join-Path $PSScriptRoot '../tests/server/TestServer.ps1')

function Get-PgRelease([string] $BinDir) { (& (Join-Path $BinDir 'postgres') --version) -replace '^postgres \(PostgreSQL\) (\d+(\.\d+)?).*$', '$1' }
function Get-LoadAverage { ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3) -join ' ' }

# Runs a psql script file on a monitored server as its superuser (the bench's own setup, not PgPerf's reads).
# PGPASSWORD is set for psql only: left in the environment, Npgsql would send it instead of the pgpass file's.
function Invoke-ServerScript([object] $Server, [string] $Path, [string] $Database = 'postgres') {
    $env:PGPASSWORD = $Server.Password
    try {
        $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $Server.Host -p $Server.Port -U $Server.User -d $Database -f $Path 2>&1
        if ($LASTEXITCODE) { throw "psql on port $($Server.Port) failed: $out" }
        $out
    } finally {
        Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
    }
}

# The machine's own PostgreSQL first, then cached pinned builds of other majors; never fetches anything.
function Select-ServerBuilds {
    $own = Find-PgBinFolder
    $ownMajor = (Get-PgRelease $own) -replace '\..*$', ''
    $builds = @([pscustomobject]@{ Major = $ownMajor; BinDir = $own })
    foreach ($major in $OtherMajors) {
        if ($builds.Count -ge 3) { break }
        if ($major -eq $ownMajor) { continue }
        $bin = Join-Path (Join-Path (Get-PgPerfBinaryCache) (Get-PgPerfTestPgRelease -Major $major).Version) 'bin'
        if (Test-Path (Join-Path $bin 'postgres')) { $builds += [pscustomobject]@{ Major = $major; BinDir = $bin } }
    }
    if ($builds.Count -lt 3) {
        Write-Warning ("Only {0} PostgreSQL major(s) available here ({1}); the other servers run PostgreSQL {2} too. " -f $builds.Count, ($builds.Major -join ', '), $ownMajor) +
            "Run .ci/run once (or ./build.ps1 Test -PgVersion 13) to cache the pinned builds of other majors."
        while ($builds.Count -lt 3) { $builds += $builds[0] }
    }
    $builds
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-bench-fleet-{0}" -f [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$servers = [System.Collections.Generic.List[object]]::new()
$repoDb = 'pgperf_bench_repository'
$admin = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $admin[$k] = $v } }
$adminServer = [pscustomobject]@{ Host = $admin.Host; Port = $admin.Port; User = $admin.Username; Password = $admin.Password }
$repoCs = $ConnectionString -replace 'Database=[^;]*', "Database=$repoDb"
try {
    Write-Host ("Load average at the start: {0} ({1} cores)" -f (Get-LoadAverage), [Environment]::ProcessorCount)
    $setup = [System.Diagnostics.Stopwatch]::StartNew()
    foreach ($build in Select-ServerBuilds) {
        $server = Start-LocalTestServer -BinDir $build.BinDir
        $server | Add-Member -NotePropertyName Major -NotePropertyValue $build.Major
        $server | Add-Member -NotePropertyName Label -NotePropertyValue ("s{0}-pg{1}" -f ($servers.Count + 1), $build.Major)
        $servers.Add($server)
    }

    # The monitoring login: pg_monitor only, its password only in an owner-only pgpass file.
    $monitorRole = 'pgperf_bench_monitor'
    $monitorPassword = New-TestPassword
    $pgpass = Join-Path $work 'pgpass'
    Set-Content -Path $pgpass -Value ($servers | ForEach-Object { "127.0.0.1:$($_.Port):*:${monitorRole}:$monitorPassword" })
    if (-not $IsWindows) { [System.IO.File]::SetUnixFileMode($pgpass, [System.IO.UnixFileMode]'UserRead, UserWrite') }

    # Database i lives on server (i - 1) % 3, so every prefix of the list is spread evenly over the servers.
    $fleet = foreach ($i in 1..$Databases) {
        $server = $servers[($i - 1) % $servers.Count]
        [pscustomobject]@{ Name = ('{0}/db{1:d2}' -f $server.Label, $i); Database = ('bench_{0:d2}' -f $i); Server = $server }
    }

    # Each database: a few tables and -StatementsPerDatabase distinct statements (table, column read, column filtered).
    $schemaFile = Join-Path $work 'schema.sql'
    Set-Content -Path $schemaFile -Value @"
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
DO `$`$ BEGIN
  FOR t IN 1..6 LOOP
    EXECUTE format('CREATE TABLE w%s (id int PRIMARY KEY, c1 int, c2 int, c3 int, c4 int, c5 int, c6 int, c7 int, c8 int, c9 int, c10 int)', t);
    EXECUTE format('INSERT INTO w%s SELECT g, g %% 7, g %% 11, g %% 13, g, g, g, g, g, g, g FROM generate_series(1, 2000) g', t);
  END LOOP;
END `$`$;
ANALYZE;
"@
    $statements = [System.Collections.Generic.List[string]]::new()
    :shapes foreach ($t in 1..6) { foreach ($read in 1..10) { foreach ($filter in 1..3) {
        $statements.Add("SELECT c$read FROM w$t WHERE c$filter = 3;")
        if ($statements.Count -ge $StatementsPerDatabase) { break shapes }
    } } }
    $statements.Add('UPDATE w1 SET c10 = c10 + 1 WHERE id = 7;')
    $workloadFile = Join-Path $work 'workload.sql'
    Set-Content -Path $workloadFile -Value $statements

    foreach ($server in $servers) {
        $mine = @($fleet | Where-Object Server -eq $server)
        $script = Join-Path $work "setup-$($server.Port).sql"
        Set-Content -Path $script -Value (@("CREATE ROLE $monitorRole LOGIN PASSWORD '$monitorPassword' IN ROLE pg_monitor;") +
            ($mine | ForEach-Object { "CREATE DATABASE $($_.Database);" }) +
            ($mine | ForEach-Object { "\c $($_.Database)"; "\i $schemaFile" }))
        Invoke-ServerScript $server $script | Out-Null
        # One psql per server and round: \c into each database and run the workload there.
        $round = Join-Path $work "round-$($server.Port).sql"
        Set-Content -Path $round -Value ($mine | ForEach-Object { "\c $($_.Database)"; "\i $workloadFile" })
        $server | Add-Member -NotePropertyName RoundFile -NotePropertyValue $round
    }
    function Invoke-WorkloadRound { foreach ($server in $servers) { Invoke-ServerScript $server $server.RoundFile | Out-Null } }
    Invoke-WorkloadRound

    Set-Content -Path (Join-Path $work 'repo.sql') -Value "DROP DATABASE IF EXISTS $repoDb WITH (FORCE);`nCREATE DATABASE $repoDb;"
    Invoke-ServerScript $adminServer (Join-Path $work 'repo.sql') | Out-Null
    Install-PgPerfSchema -Connection $repoCs -Repository | Out-Null
    foreach ($member in $fleet) {
        Add-PgPerfServer -Repository $repoCs -Name $member.Name -WarningAction Stop `
            -Connection "Host=127.0.0.1;Port=$($member.Server.Port);Database=$($member.Database);Username=$monitorRole;Passfile=$pgpass" | Out-Null
    }
    $registered = @(Get-PgPerfServer -Repository $repoCs)
    if ($registered.Count -ne $Databases) { throw "Registered $($registered.Count) servers, expected $Databases." }
    Write-Host ("Set up {0} databases on {1} servers (PostgreSQL {2}) and registered them in {3} in {4:n1} s" -f
        $Databases, $servers.Count, (($servers | ForEach-Object { Get-PgRelease $_.BinDir }) -join ', '), $repoDb, $setup.Elapsed.TotalSeconds)
    if (($servers.Major | Select-Object -Unique).Count -lt 3) { Write-Host 'NOTE: not three different majors (see the warning above).' }

    # The first run stores each server's baseline (nothing to compare with yet); it also compiles what the timed runs use.
    $first = [System.Diagnostics.Stopwatch]::StartNew()
    $baseline = @(Invoke-PgHourlyMonitoring -Repository $repoCs -ThrottleLimit $ThrottleLimit -ErrorVariable baselineErrors -ErrorAction SilentlyContinue)
    Write-Host ("Baseline run over {0} databases: {1:n1} s, {2} error(s)" -f $baseline.Count, $first.Elapsed.TotalSeconds, $baselineErrors.Count)
    if ($baselineErrors.Count) { throw "The baseline run failed: $($baselineErrors[0])" }

    # Each timed run follows a round of workload in every database, so each snapshot has differences to store.
    function Measure-HourlyRun([string] $Case, [object[]] $Members, [int] $Throttle) {
        $seconds = foreach ($run in 1..$Runs) {
            Invoke-WorkloadRound
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $results = @(Invoke-PgHourlyMonitoring -Repository $repoCs -Server $Members.Name -ThrottleLimit $Throttle -ErrorVariable runErrors -ErrorAction SilentlyContinue)
            $sw.Stop()
            $failed = @($results.Steps | Where-Object Status -ne 'Succeeded')
            if ($runErrors.Count -or $failed.Count -or $results.Count -ne $Members.Count) {
                throw "$Case, run ${run}: $($results.Count) result(s) for $($Members.Count) database(s), $($runErrors.Count) error(s), $($failed.Count) step(s) not succeeded: $($runErrors | Select-Object -First 1) $($failed | Select-Object -First 1 | ForEach-Object { "$($_.Name): $($_.Status) $($_.Error)$($_.Message)" })"
            }
            $sw.Elapsed.TotalSeconds
        }
        $sorted = @($seconds | Sort-Object)
        $median = $sorted[[int][math]::Floor($sorted.Count / 2)]
        [pscustomobject]@{
            Case          = $Case
            Databases     = $Members.Count
            Servers       = @($Members.Server.Port | Select-Object -Unique).Count
            ThrottleLimit = $Throttle
            MedianSeconds = [math]::Round($median, 2)
            MaxSeconds    = [math]::Round($sorted[-1], 2)
            MsPerDatabase = [int][math]::Round($median * 1000 / $Members.Count)
        }
    }

    # Growth with the number of databases (spread over the servers), and the same number on one server against three.
    $oneServer = @($fleet | Where-Object Server -eq $servers[0])
    $steps = @(1, 10, $oneServer.Count, 25) | Where-Object { $_ -lt $Databases } | Sort-Object -Unique
    $results = [System.Collections.Generic.List[object]]::new()
    foreach ($n in $steps) {
        $case = if ($n -eq 1) { 'reference: one database alone' } else { "$n databases" }
        $results.Add((Measure-HourlyRun $case @($fleet | Select-Object -First $n) $ThrottleLimit))
    }
    $results.Add((Measure-HourlyRun "all $Databases (goal: under 60 s)" $fleet $ThrottleLimit))
    $results.Add((Measure-HourlyRun "$($oneServer.Count) databases, one server" $oneServer $ThrottleLimit))
    $results.Add((Measure-HourlyRun "all $Databases, one at a time" $fleet 1))
    Write-Host ($results | Format-Table -AutoSize | Out-String -Width 200)

    $countFile = Join-Path $work 'count.sql'
    Set-Content -Path $countFile -Value 'SELECT count(*) FROM pg_stat_statements;'
    $entries = foreach ($server in $servers) {
        $database = ($fleet | Where-Object Server -eq $server | Select-Object -First 1).Database
        "PostgreSQL $($server.Major) on port $($server.Port): $(Invoke-ServerScript $server $countFile -Database $database) pg_stat_statements entries"
    }
    Write-Host ($entries -join '; ')
    # What the repository holds: each registered database stores its own database's statements only (migration 032),
    # so there is one database per server id, and the snapshots sit in day partitions (033).
    $storedFile = Join-Path $work 'stored.sql'
    Set-Content -Path $storedFile -Value ("SELECT count(*) || ' statement history rows for ' || count(DISTINCT server_id) || ' servers, ' || " +
        "count(DISTINCT (server_id, dbid)) || ' (server, database) pairs; ' || (SELECT count(*) FROM pgperf.index_usage_snapshots) || " +
        "' index usage rows in ' || (SELECT count(*) FROM pgperf.snapshot_partitions('index_usage_snapshots')) || ' day partition(s)' FROM pgperf.statement_history;")
    Write-Host ("Stored in the repository: {0}" -f (Invoke-ServerScript $adminServer $storedFile -Database $repoDb))
    Write-Host ("Median runs of {0}. Load average at the end: {1}" -f $Runs, (Get-LoadAverage))
} finally {
    foreach ($server in $servers) { Stop-PgPerfTestServer -Server $server }
    Set-Content -Path (Join-Path $work 'drop.sql') -Value "DROP DATABASE IF EXISTS $repoDb WITH (FORCE);"
    try { Invoke-ServerScript $adminServer (Join-Path $work 'drop.sql') | Out-Null } catch { Write-Warning "Could not drop ${repoDb}: $_" }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
