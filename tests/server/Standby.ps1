# A real streaming standby of a throwaway LOCAL primary, for the replication tests. Dot-sourced by TestServer.ps1.
#   $primary = Start-PgPerfTestServer -Server Local
#   $standby = Start-PgPerfTestStandby -Primary $primary -SlotName s1   # pg_basebackup -R -C -S s1, another port
#   Stop-PgPerfTestStandby $standby      # stops it (the primary's slot stays; a stopped standby)
#   Stop-PgPerfTestServer $primary       # also stops and removes every standby it still has
# The standby lives under the primary's folder, so removing the primary always removes it too.

Set-StrictMode -Version Latest

function Start-PgPerfTestStandby {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [object] $Primary,
        # The physical slot pg_basebackup creates on the primary and the standby streams from.
        [string] $SlotName = ('pgperf_standby_' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    )
    if ($Primary.Kind -ne 'Local') { throw "A test standby needs a local primary (Start-PgPerfTestServer -Server Local); this one is $($Primary.Kind)." }
    $port = Get-FreeTcpPort
    $data = Join-Path $Primary.Root "standby-$port"
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    # Through the primary's Unix socket, where the superuser is trusted, so no password goes on a command line.
    if (Test-Path (Join-Path $Primary.BinDir 'pg_basebackup')) {
        Invoke-PgBinary (Join-Path $Primary.BinDir 'pg_basebackup') @('-h', $Primary.Root, '-p', "$($Primary.Port)", '-U', $Primary.User,
            '-D', $data, '-R', '-C', '-S', $SlotName, '-X', 'stream', '-c', 'fast', '--no-sync')
    } else {
        Copy-PgPerfTestBaseBackup -Primary $Primary -Destination $data -SlotName $SlotName
    }
    # The primary's settings come from its command line, not postgresql.conf: give the standby the same ones on its own port.
    $options = ($Primary.ServerOptions -replace "-p $($Primary.Port)\b", "-p $port") + ' -c hot_standby=on -c wal_receiver_status_interval=1s'
    $standby = [pscustomobject]@{
        Kind = 'Standby'; Host = '127.0.0.1'; Port = $port; User = $Primary.User; Password = $Primary.Password; Database = 'postgres'
        DataDir = $data; BinDir = $Primary.BinDir; SlotName = $SlotName; ServerOptions = $options
        LogFile = (Join-Path $Primary.Root "standby-$port.log")
        ConnectionString = "Host=127.0.0.1;Port=$port;Username=$($Primary.User);Password=$($Primary.Password);Database=postgres"
    }
    try {
        Invoke-PgBinary (Join-Path $Primary.BinDir 'pg_ctl') @('-D', $data, '-l', $standby.LogFile, '-o', $options, '-w', '-t', '60', 'start')
    } catch {
        Stop-PgPerfTestStandby $standby
        throw
    }
    Write-Host ("Test standby: streaming from 127.0.0.1:{0} on 127.0.0.1:{1} (slot {2}), ready in {3:n1} s" -f $Primary.Port, $port, $SlotName, $started.Elapsed.TotalSeconds)
    $standby
}

# The pinned builds of other majors (-PgVersion, tests/server/PgVersions.psd1) ship initdb, pg_ctl and postgres but no
# pg_basebackup, and the machine's own one refuses newer servers. There the base backup is taken as pg_basebackup -R -C
# takes it: a physical slot reserved first (so the primary keeps the WAL from before the backup, which the standby then
# streams), the low-level backup API around a copy of the data folder in one session of the machine's own psql
# (pg_backup_start/stop from 15, pg_start_backup/pg_stop_backup before), the backup_label that the stop returns, and
# standby.signal with primary_conninfo and primary_slot_name. What pg_basebackup leaves out is left out: the pid file,
# WAL and slots.
function Copy-PgPerfTestBaseBackup([object] $Primary, [string] $Destination, [string] $SlotName) {
    $psql = Get-Command psql -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $psql) { throw "A test standby of PostgreSQL from $($Primary.BinDir) needs psql (the build has no pg_basebackup): apt-get install postgresql-client." }
    $script = Join-Path $Primary.Root "basebackup-$SlotName.sql"
    Set-Content -Path $script -Encoding utf8NoBOM -Value @"
SELECT pg_create_physical_replication_slot('$SlotName', true);
SELECT current_setting('server_version_num')::int >= 150000 AS backup_api_15 \gset
\if :backup_api_15
SELECT pg_backup_start('pgperf test standby', true);
\else
SELECT pg_start_backup('pgperf test standby', true, false);
\endif
\! cp -a '$($Primary.DataDir)' '$Destination' && rm -rf '$Destination/postmaster.pid' '$Destination/postmaster.opts' '$Destination'/pg_wal/* '$Destination'/pg_replslot/*
\pset tuples_only on
\pset format unaligned
\o '$Destination/backup_label'
\if :backup_api_15
SELECT labelfile FROM pg_backup_stop(false);
\else
SELECT labelfile FROM pg_stop_backup(false, false);
\endif
\o
"@
    if (Test-IsRoot) { & chown postgres $script; if ($LASTEXITCODE) { throw "chown of $script failed" } }
    Invoke-PgBinary $psql.Source @('-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', $Primary.Root, '-p', "$($Primary.Port)", '-U', $Primary.User, '-d', 'postgres', '-f', $script)
    Remove-Item -Force $script
    Set-Content -Path (Join-Path $Destination 'standby.signal') -Value '' -NoNewline
    Add-Content -Path (Join-Path $Destination 'postgresql.auto.conf') -Value @(
        "primary_conninfo = 'host=$($Primary.Root) port=$($Primary.Port) user=$($Primary.User)'", "primary_slot_name = '$SlotName'")
    if (Test-IsRoot) { & chown -R postgres $Destination; if ($LASTEXITCODE) { throw "chown of $Destination failed" } }
}

# Stops a standby; its data stays until the primary is removed, so it can be started again.
function Stop-PgPerfTestStandby([Parameter(Mandatory)] [object] $Standby) {
    if (Test-Path (Join-Path $Standby.DataDir 'postmaster.pid')) {
        Invoke-PgBinary (Join-Path $Standby.BinDir 'pg_ctl') @('-D', $Standby.DataDir, '-m', 'fast', '-w', 'stop')
    }
}

# Stops every standby under a local primary's folder (Stop-PgPerfTestServer calls it before removing the folder).
function Stop-PgPerfTestStandbys([object] $Primary) {
    if (-not $Primary.Root -or -not (Test-Path $Primary.Root)) { return }
    foreach ($dir in Get-ChildItem $Primary.Root -Directory -Filter 'standby-*' -ErrorAction SilentlyContinue) {
        if (-not (Test-Path (Join-Path $dir.FullName 'postmaster.pid'))) { continue }
        try {
            Invoke-PgBinary (Join-Path $Primary.BinDir 'pg_ctl') @('-D', $dir.FullName, '-m', 'immediate', '-w', 'stop')
        } catch {
            Write-Warning "Stopping the test standby in $($dir.FullName) failed: $_"
        }
    }
}

# Why a test standby cannot be made here, or $null when it can (the replication tests skip visibly with this text).
function Get-PgPerfTestStandbySkipReason {
    try {
        $bin = Find-PgBinFolder
    } catch {
        return "no local PostgreSQL binaries for a primary and its standby: $_"
    }
    if (-not (Test-Path (Join-Path $bin 'pg_basebackup'))) { return "no pg_basebackup in $bin" }
    $null
}

# Starts a stopped test standby again; it resumes streaming from its slot.
function Resume-PgPerfTestStandby([Parameter(Mandatory)] [object] $Standby) {
    Invoke-PgBinary (Join-Path $Standby.BinDir 'pg_ctl') @('-D', $Standby.DataDir, '-l', $Standby.LogFile, '-o', $Standby.ServerOptions, '-w', '-t', '60', 'start')
}
