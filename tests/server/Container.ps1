#Requires -Version 7.0
# Container path of PgPerf's throwaway test PostgreSQL server. Dot-source this file.
#
# Two flavours:
#  - Official: a Docker engine, or podman that can get docker.io/library/postgres:16 (users' machines).
#  - LocalImage: rootful podman with an image built here from Debian's packages, for machines with no
#    registry (our dev and CI machines). The podman flags below are what these machines need; see
#    the container notes (NOTES.md) for the facts behind them.
#
# Every native call goes through Invoke-PgContainerNative, which uses exit codes only (podman writes
# harmless warnings to stderr) and has a timeout, so nothing here can hang.

$script:PgLocalImageDefault = 'localhost/pgperf-pg15:latest'
$script:PgOfficialImageDocker = 'postgres:16'
# Fully qualified for podman: a short name can make podman ask which registry to use.
$script:PgOfficialImagePodman = 'docker.io/library/postgres:16'

function Invoke-PgContainerNative {
    # Runs a program with a timeout and returns its exit code and output; never throws on a non-zero
    # exit or on stderr output. On timeout the whole process tree is killed and ExitCode is -1.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [int] $TimeoutSec = 30,
        [hashtable] $Environment = @{}
    )
    $cmd = Get-Command -Name $FilePath -CommandType Application -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if (-not $cmd) {
        return [pscustomobject]@{ ExitCode = -2; StdOut = ''; StdErr = "$FilePath not found"; TimedOut = $false; Seconds = 0 }
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd.Source)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    # Closed stdin: a tool that wants to ask something fails instead of waiting forever.
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        # Read both streams asynchronously so a full pipe buffer cannot block the child.
        $outTask = $p.StandardOutput.ReadToEndAsync()
        $errTask = $p.StandardError.ReadToEndAsync()
        $timedOut = -not $p.WaitForExit([Math]::Max(1, $TimeoutSec) * 1000)
        if ($timedOut) {
            try { $p.Kill($true) } catch { }
            $null = $p.WaitForExit(5000)
        }
        else {
            $p.WaitForExit()   # flushes the async readers
        }
        $out = if ($outTask.Wait(5000)) { $outTask.Result } else { '' }
        $err = if ($errTask.Wait(5000)) { $errTask.Result } else { '' }
        [pscustomobject]@{
            ExitCode = if ($timedOut) { -1 } else { $p.ExitCode }
            StdOut   = $out
            StdErr   = $err
            TimedOut = $timedOut
            Seconds  = [Math]::Round($sw.Elapsed.TotalSeconds, 1)
        }
    }
    finally {
        $p.Dispose()
    }
}

function Get-PgContainerTail {
    # Last lines of a command's output, for error messages, minus podman's harmless CNI warning.
    param([string] $Text, [int] $Lines = 30)
    $kept = @(($Text -split "`r?`n") | Where-Object { $_ -and $_ -notmatch '87-podman-bridge\.conflist' })
    ($kept | Select-Object -Last $Lines) -join "`n"
}

function Test-PgIsRoot {
    if (-not $IsLinux) { return $false }
    $r = Invoke-PgContainerNative -FilePath id -ArgumentList '-u' -TimeoutSec 5
    return ($r.ExitCode -eq 0 -and $r.StdOut.Trim() -eq '0')
}

function Find-PgContainerEngine {
    <#
    .SYNOPSIS
    Picks how to run the test server in a container. Takes a few seconds at most when nothing answers.
    #>
    [CmdletBinding()]
    param()
    $PSNativeCommandUseErrorActionPreference = $false
    $reasons = [System.Collections.Generic.List[string]]::new()

    # 1. A Docker engine that answers. A CLI alone (as on our CI) fails here within a second.
    if (Get-Command docker -CommandType Application -ErrorAction SilentlyContinue) {
        $r = Invoke-PgContainerNative -FilePath docker -ArgumentList 'info' -TimeoutSec 10
        if ($r.ExitCode -eq 0) {
            return [pscustomobject]@{ Engine = 'docker'; Image = $script:PgOfficialImageDocker; Kind = 'Official'; Reason = $null }
        }
        $reasons.Add($(if ($r.TimedOut) { 'docker info timed out' } else { 'docker is installed but no Docker engine answers' }))
    }
    else {
        $reasons.Add('docker is not installed')
    }

    # 2. podman with the official image, already here or reachable. Only the manifest is fetched
    #    here; Start-PgContainerServer does the real pull with a longer timeout.
    if (-not (Get-Command podman -CommandType Application -ErrorAction SilentlyContinue)) {
        $reasons.Add('podman is not installed; run .ci/install-container-deps.sh or use -Server Local')
        return [pscustomobject]@{ Engine = $null; Image = $null; Kind = $null; Reason = ($reasons -join '; ') }
    }
    $img = $script:PgOfficialImagePodman
    $r = Invoke-PgContainerNative -FilePath podman -ArgumentList 'image', 'exists', $img -TimeoutSec 10
    if ($r.ExitCode -ne 0) {
        $r = Invoke-PgContainerNative -FilePath podman -ArgumentList 'manifest', 'inspect', $img -TimeoutSec 10
    }
    if ($r.ExitCode -eq 0) {
        return [pscustomobject]@{ Engine = 'podman'; Image = $img; Kind = 'Official'; Reason = $null }
    }
    $reasons.Add("podman cannot reach $img")

    # 3. Rootful podman and our own image (built on first use by Initialize-PgLocalImage).
    #    Building needs root (debootstrap, chroot), and the run flags were checked rootful only.
    if (Test-PgIsRoot) {
        return [pscustomobject]@{ Engine = 'podman'; Image = $script:PgLocalImageDefault; Kind = 'LocalImage'; Reason = $null }
    }
    $reasons.Add('podman is installed but not running as root, which the locally built image needs; run as root or use -Server Local')
    [pscustomobject]@{ Engine = $null; Image = $null; Kind = $null; Reason = ($reasons -join '; ') }
}

function Get-PgDebianMirror {
    # The host's Debian mirror, so the build uses what apt already uses (and what the network allows).
    $files = @(Get-ChildItem -Path /etc/apt/sources.list.d -Filter '*.sources' -ErrorAction SilentlyContinue |
            Select-Object -ExpandProperty FullName)
    foreach ($f in $files) {
        # deb822: stanzas separated by blank lines; skip the security suite, which is another archive.
        foreach ($stanza in ((Get-Content -Raw $f) -split "(`r?`n){2,}")) {
            $uri = [regex]::Match($stanza, '(?m)^URIs:\s*(\S+)').Groups[1].Value
            $suites = [regex]::Match($stanza, '(?m)^Suites:\s*(.+)$').Groups[1].Value
            if ($uri -and ($suites -split '\s+') -contains 'bookworm') { return $uri }
        }
    }
    if (Test-Path /etc/apt/sources.list) {
        foreach ($line in Get-Content /etc/apt/sources.list) {
            if ($line -match '^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s') { return $Matches[1] }
        }
    }
    'http://deb.debian.org/debian'
}

function Remove-PgBuildFolder {
    # Unmounts anything left mounted below the folder (debootstrap mounts /proc and /sys while it
    # runs), then deletes it without crossing into a mount that could not be unmounted.
    param([Parameter(Mandatory)] [string] $Path)
    if (-not (Test-Path -LiteralPath $Path)) { return }
    $prefix = $Path.TrimEnd('/') + '/'
    for ($i = 0; $i -lt 3; $i++) {
        $mounts = @(Get-Content /proc/self/mounts |
                ForEach-Object { ($_ -split ' ')[1] -replace '\\040', ' ' } |
                Where-Object { $_.StartsWith($prefix) } |
                Sort-Object { $_.Length } -Descending)
        if ($mounts.Count -eq 0) { break }
        foreach ($m in $mounts) {
            $r = Invoke-PgContainerNative -FilePath umount -ArgumentList $m -TimeoutSec 20
            if ($r.ExitCode -ne 0) { $null = Invoke-PgContainerNative -FilePath umount -ArgumentList '-l', $m -TimeoutSec 20 }
        }
    }
    $r = Invoke-PgContainerNative -FilePath rm -ArgumentList '-rf', '--one-file-system', '--', $Path -TimeoutSec 300
    if ($r.ExitCode -ne 0 -or (Test-Path -LiteralPath $Path)) {
        Write-Warning "Could not fully remove the image build folder $Path; remove it by hand (check 'mount | grep $Path' first). $(Get-PgContainerTail $r.StdErr 5)"
    }
}

# Runs inside the image as PID 1. POSIX sh, no bashisms: minbase has dash as /bin/sh.
$script:PgEntrypointScript = @'
#!/bin/sh
# PgPerf test server entrypoint: creates the cluster on first start, then runs postgres as PID 1.
set -eu
PGBIN=/usr/lib/postgresql/15/bin
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
PGPORT="${PGPORT:-5432}"
# 127.0.0.1 because the container shares the host's network; override to use a port mapping.
LISTEN="${PGPERF_LISTEN_ADDRESSES:-127.0.0.1}"

mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "pgperf-entrypoint: POSTGRES_PASSWORD is empty; pass -e POSTGRES_PASSWORD=..." >&2
        exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    chown postgres "$pwfile"
    # Socket connections inside the container are trusted (for 'exec psql'); TCP needs the password.
    setpriv --reuid=postgres --regid=postgres --init-groups \
        "$PGBIN/initdb" -D "$PGDATA" --username=postgres --pwfile="$pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "pgperf-entrypoint: cluster created in $PGDATA"
fi

# Settings on the command line, so a restart with another PGPORT still applies them.
exec setpriv --reuid=postgres --regid=postgres --init-groups \
    "$PGBIN/postgres" -D "$PGDATA" -p "$PGPORT" \
    -c listen_addresses="$LISTEN" \
    -c shared_preload_libraries=pg_stat_statements \
    "$@"
'@

function Initialize-PgLocalImage {
    <#
    .SYNOPSIS
    Builds the PostgreSQL 15 image from Debian's packages when it is missing. Needs root and podman.
    About 1.5 minutes on a fresh machine, nearly all downloads; instant when the image exists.
    #>
    [CmdletBinding()]
    param(
        [string] $Name = $script:PgLocalImageDefault,
        [switch] $Force
    )
    $PSNativeCommandUseErrorActionPreference = $false
    $tag = '[pgperf-image]'

    if (-not (Get-Command podman -CommandType Application -ErrorAction SilentlyContinue)) {
        throw 'podman is not installed; run .ci/install-container-deps.sh or use -Server Local'
    }
    if (-not $Force) {
        $r = Invoke-PgContainerNative -FilePath podman -ArgumentList 'image', 'exists', $Name -TimeoutSec 15
        if ($r.ExitCode -eq 0) {
            Write-Host "$tag $Name is present; not rebuilding (use -Force to rebuild)"
            return $Name
        }
    }
    if (-not (Test-PgIsRoot)) {
        throw "Building $Name needs root (debootstrap and chroot); run as root or use -Server Local"
    }
    foreach ($tool in 'debootstrap', 'chroot', 'tar') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction SilentlyContinue)) {
            throw "$tool is not installed, which building $Name needs; run .ci/install-container-deps.sh or use -Server Local"
        }
    }

    $mirror = Get-PgDebianMirror
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("pgperf-image-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $total = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Host "$tag building $Name from Debian packages ($mirror) in $dir"

    # One step: run it, report its time, fail with the end of its output.
    $step = {
        param([string] $What, [string] $File, [string[]] $ArgList, [int] $Timeout)
        Write-Host "$tag $What ..."
        $r = Invoke-PgContainerNative -FilePath $File -ArgumentList $ArgList -TimeoutSec $Timeout `
            -Environment @{ DEBIAN_FRONTEND = 'noninteractive'; LC_ALL = 'C' }
        if ($r.ExitCode -ne 0) {
            $why = if ($r.TimedOut) { "timed out after ${Timeout}s" } else { "exit code $($r.ExitCode)" }
            throw "Building ${Name}: '$What' failed ($why):`n$(Get-PgContainerTail ($r.StdOut + "`n" + $r.StdErr) 40)"
        }
        Write-Host "$tag $What done in $($r.Seconds)s"
    }

    # With -Force the old image loses its name on import; remember it to delete it afterwards.
    $oldId = $null
    $r = Invoke-PgContainerNative -FilePath podman -ArgumentList 'image', 'inspect', '--format', '{{.Id}}', $Name -TimeoutSec 15
    if ($r.ExitCode -eq 0) { $oldId = $r.StdOut.Trim() }

    try {
        $null = New-Item -ItemType Directory -Path $dir
        & $step 'debootstrap --variant=minbase bookworm' 'debootstrap' @('--variant=minbase', 'bookworm', $dir, $mirror) 900

        # No service may start inside the chroot, and no cluster is created at install time: the
        # entrypoint creates it at first start, with the password given then.
        Set-Content -LiteralPath (Join-Path $dir 'usr/sbin/policy-rc.d') -Value "#!/bin/sh`nexit 101" -NoNewline
        $null = Invoke-PgContainerNative -FilePath chmod -ArgumentList '755', (Join-Path $dir 'usr/sbin/policy-rc.d')
        Copy-Item /etc/resolv.conf (Join-Path $dir 'etc/resolv.conf') -Force
        # postgresql-common first, so its createcluster.conf exists to be edited before postgresql-15.
        $install = @'
set -e
apt-get update -q
apt-get install -y -q --no-install-recommends postgresql-common
sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
grep -q '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf
apt-get install -y -q --no-install-recommends postgresql-15
apt-get clean
rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
'@
        & $step 'chroot apt-get install postgresql-15' 'chroot' @($dir, '/bin/sh', '-c', $install) 900

        $ep = Join-Path $dir 'usr/local/bin/pgperf-entrypoint.sh'
        Set-Content -LiteralPath $ep -Value ($script:PgEntrypointScript -replace "`r`n", "`n")
        $null = Invoke-PgContainerNative -FilePath chmod -ArgumentList '755', $ep
        # The host's resolver config means nothing in a container; podman supplies its own.
        Remove-Item -LiteralPath (Join-Path $dir 'etc/resolv.conf') -Force -ErrorAction SilentlyContinue

        # bash for the pipe; pipefail so a failing tar fails the step. Arguments go in as $1..$3.
        $import = @'
set -o pipefail
tar -C "$1" --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -c . |
  podman import --change "$2" --change 'STOPSIGNAL SIGINT' \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$3"
'@
        & $step "tar | podman import $Name" 'bash' @('-c', $import, 'bash', $dir,
            'ENTRYPOINT ["/usr/local/bin/pgperf-entrypoint.sh"]', $Name) 900
    }
    finally {
        Write-Host "$tag removing build folder $dir"
        Remove-PgBuildFolder -Path $dir
    }
    if ($oldId) {
        # Fails harmlessly while a container still uses the old image.
        $null = Invoke-PgContainerNative -FilePath podman -ArgumentList 'rmi', $oldId -TimeoutSec 60
    }
    Write-Host "$tag $Name built in $([Math]::Round($total.Elapsed.TotalSeconds))s"
    $Name
}

function Test-PgPortFree {
    # A server already on the port would answer our readiness checks and hide a failed start.
    param([int] $Port)
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $Port)
    try { $l.Start(); return $true } catch { return $false } finally { $l.Stop() }
}

function Wait-PgContainerReady {
    # Returns $null when ready, else why not. Ready = a password login over TCP works, which also
    # proves the password took. Without host tools, falls back to pg_isready, then to pg_isready
    # inside the container.
    param([string] $Engine, [string] $Name, [int] $Port, [string] $Password, [int] $TimeoutSec)
    $psql = Get-Command psql -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $isready = Get-Command pg_isready -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($psql) {
            $c = Invoke-PgContainerNative -FilePath $psql.Source -TimeoutSec 10 `
                -ArgumentList '-h', '127.0.0.1', '-p', "$Port", '-U', 'postgres', '-d', 'postgres', '-w', '-tAc', 'select 1' `
                -Environment @{ PGPASSWORD = $Password; PGCONNECT_TIMEOUT = '3' }
        }
        elseif ($isready) {
            $c = Invoke-PgContainerNative -FilePath $isready.Source -ArgumentList '-h', '127.0.0.1', '-p', "$Port", '-t', '3' -TimeoutSec 10
        }
        else {
            $inner = if ($Engine -eq 'podman') { "$Port" } else { '5432' }
            $c = Invoke-PgContainerNative -FilePath $Engine -ArgumentList 'exec', $Name, 'pg_isready', '-h', '127.0.0.1', '-p', $inner, '-t', '3' -TimeoutSec 10
        }
        if ($c.ExitCode -eq 0) { return $null }
        $st = Invoke-PgContainerNative -FilePath $Engine -ArgumentList 'inspect', '-f', '{{.State.Running}}', $Name -TimeoutSec 15
        if ($st.ExitCode -eq 0 -and $st.StdOut.Trim() -eq 'false') { return 'the container exited' }
        Start-Sleep -Milliseconds 300
    }
    "it did not accept a password login within ${TimeoutSec}s (last try: $(Get-PgContainerTail $c.StdErr 3))"
}

function Start-PgContainerServer {
    <#
    .SYNOPSIS
    Starts a throwaway PostgreSQL in a container on 127.0.0.1:<Port> and waits until it accepts
    password logins. Returns the server object that Stop-PgContainerServer takes.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [ValidateRange(1, 65535)] [int] $Port,
        [Parameter(Mandatory)] [string] $Password,
        [ValidateSet('docker', 'podman')] [string] $Engine,
        [string] $Image,
        [string] $Name = "pgperf-pg-$Port",
        [ValidateRange(1, 3600)] [int] $ReadyTimeoutSec = 60,
        # Extra server settings (name=value), passed to postgres as -c options.
        [string[]] $ServerSetting = @()
    )
    $PSNativeCommandUseErrorActionPreference = $false

    if (-not $Engine -or -not $Image) {
        $found = Find-PgContainerEngine
        if (-not $Engine) {
            if (-not $found.Engine) { throw "No container engine can run the test server: $($found.Reason)" }
            $Engine = $found.Engine
        }
        if (-not $Image) {
            $Image = if ($found.Engine -eq $Engine -and $found.Image) { $found.Image }
            elseif ($Engine -eq 'docker') { $script:PgOfficialImageDocker }
            else { $script:PgLocalImageDefault }
        }
    }
    if (-not (Get-Command $Engine -CommandType Application -ErrorAction SilentlyContinue)) {
        throw "$Engine is not installed; run .ci/install-container-deps.sh or use -Server Local"
    }
    # Our image (localhost/...) is configured by env; the official one by its own conventions.
    $isLocal = $Image.StartsWith('localhost/')
    if ($isLocal -and $Engine -eq 'podman') { $null = Initialize-PgLocalImage -Name $Image }

    if (-not (Test-PgPortFree -Port $Port)) {
        throw "Port $Port on 127.0.0.1 is already in use; pick a free port"
    }
    # A container of ours left by a run that died would hold the name (and maybe the port).
    $null = Invoke-PgContainerNative -FilePath $Engine -ArgumentList 'rm', '-f', $Name -TimeoutSec 30

    $runArgs = [System.Collections.Generic.List[string]]::new()
    $runArgs.AddRange([string[]]@('run', '-d', '--name', $Name, '-e', "POSTGRES_PASSWORD=$Password", '--shm-size', '256m'))
    if ($Engine -eq 'podman') {
        # Needed on our machines: crun fails there ("cgroups in hybrid mode"), podman's default
        # rlimits cannot be set, and a bridge would need iptables. Harmless elsewhere.
        if (Get-Command runc -CommandType Application -ErrorAction SilentlyContinue) { $runArgs.AddRange([string[]]@('--runtime', 'runc')) }
        elseif (Test-Path /usr/sbin/runc) { $runArgs.AddRange([string[]]@('--runtime', '/usr/sbin/runc')) }
        $runArgs.AddRange([string[]]@('--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768',
                '--network', 'host', '-e', "PGPORT=$Port"))
        $runArgs.Add($Image)
        if (-not $isLocal) {
            # Official image on the host network: postgres takes its port from PGPORT.
            $runArgs.AddRange([string[]]@('-c', 'listen_addresses=127.0.0.1', '-c', 'shared_preload_libraries=pg_stat_statements'))
        }
    }
    else {
        $runArgs.AddRange([string[]]@('-p', "127.0.0.1:${Port}:5432"))
        if ($isLocal) { $runArgs.AddRange([string[]]@('-e', 'PGPERF_LISTEN_ADDRESSES=*')) }
        $runArgs.Add($Image)
        if (-not $isLocal) { $runArgs.AddRange([string[]]@('-c', 'shared_preload_libraries=pg_stat_statements')) }
    }

    foreach ($setting in $ServerSetting) { $runArgs.AddRange([string[]]@('-c', $setting)) }

    if (-not $isLocal -and $Engine -eq 'podman') {
        # Pull outside the readiness wait, which a first download would eat up.
        $r = Invoke-PgContainerNative -FilePath podman -ArgumentList 'pull', '-q', $Image -TimeoutSec 600
        if ($r.ExitCode -ne 0) { throw "podman could not pull ${Image}: $(Get-PgContainerTail $r.StdErr 10)" }
    }

    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    # docker run may pull first; allow for that.
    $r = Invoke-PgContainerNative -FilePath $Engine -ArgumentList $runArgs -TimeoutSec 600
    if ($r.ExitCode -ne 0) {
        $null = Invoke-PgContainerNative -FilePath $Engine -ArgumentList 'rm', '-f', $Name -TimeoutSec 30
        $why = if ($r.TimedOut) { 'timed out' } else { "exit code $($r.ExitCode)" }
        throw "$Engine run $Image failed ($why):`n$(Get-PgContainerTail $r.StdErr 20)"
    }

    $server = [pscustomobject]@{
        Kind = 'Container'; Engine = $Engine; ContainerName = $Name; Image = $Image
        Host = '127.0.0.1'; Port = $Port; User = 'postgres'; Password = $Password; Database = 'postgres'
    }

    try {
        $failure = Wait-PgContainerReady -Engine $Engine -Name $Name -Port $Port -Password $Password -TimeoutSec $ReadyTimeoutSec
    }
    catch {
        # Whatever broke while waiting (even Ctrl+C), leave no container behind.
        Stop-PgContainerServer -Server $server
        throw
    }
    if ($failure) {
        $logs = Invoke-PgContainerNative -FilePath $Engine -ArgumentList 'logs', '--tail', '40', $Name -TimeoutSec 15
        Stop-PgContainerServer -Server $server
        throw ("PostgreSQL in container $Name ($Engine, $Image) on 127.0.0.1:$Port failed to start: $failure. " +
            "The container was removed. Its log:`n$(Get-PgContainerTail ($logs.StdOut + "`n" + $logs.StdErr) 40)")
    }
    Write-Verbose "Container $Name ready on 127.0.0.1:$Port in $([Math]::Round($sw.Elapsed.TotalSeconds, 1))s"
    $server
}

function Stop-PgContainerServer {
    <#
    .SYNOPSIS
    Removes the test server's container and its data. Idempotent; never throws.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [AllowNull()] $Server)
    $PSNativeCommandUseErrorActionPreference = $false
    if (-not $Server -or -not $Server.ContainerName -or -not $Server.Engine) { return }
    try {
        $r = Invoke-PgContainerNative -FilePath $Server.Engine -ArgumentList 'rm', '-f', $Server.ContainerName -TimeoutSec 60
        if ($r.ExitCode -ne 0) {
            # Gone already counts as success; anything else is worth a warning, not a failure.
            $e = Invoke-PgContainerNative -FilePath $Server.Engine -ArgumentList 'container', 'inspect', $Server.ContainerName -TimeoutSec 15
            if ($e.ExitCode -eq 0) {
                Write-Warning "Could not remove container $($Server.ContainerName): $(Get-PgContainerTail $r.StdErr 5). Run '$($Server.Engine) rm -f $($Server.ContainerName)'."
            }
        }
    }
    catch {
        Write-Warning "Stopping container $($Server.ContainerName) failed: $_"
    }
}
