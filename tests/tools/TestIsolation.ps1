# Keeps the test run away from the real user's files, and proves it.
#   Enter-PgPerfTestIsolation   points the spool, ~/.config (pgperf, systemd user units) and the data folder at a
#                               private folder for this process and its children (xunit, Pester, cron job runs).
#   Get-PgPerfUserState         a fingerprint of everything of the user's that PgPerf could write: the spool folder,
#                               ~/.config/pgperf, user and system units, /etc/cron.d and /etc/pgperf, the crontab.
#   Compare-PgPerfUserState     what changed between two fingerprints (nothing, when the tests kept to their folders).

function Get-PgPerfUserLocations {
    # Where PgPerf writes when nothing redirects it (QueryLogSpool.ResolveDirectory, PgScheduledTaskManager).
    $configHome = if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }
    $spool = if ($env:PGPERF_SPOOL_DIR) { $env:PGPERF_SPOOL_DIR } else {
        Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PgPerf/spool'
    }
    [ordered]@{
        Spool       = $spool
        Config      = Join-Path $configHome 'pgperf'
        UserUnits   = Join-Path $configHome 'systemd/user'
        SystemUnits = '/etc/systemd/system'
        CronD       = '/etc/cron.d'
        SystemConfig = '/etc/pgperf'
    }
}

function Get-PgPerfUserState([System.Collections.IDictionary] $Locations = (Get-PgPerfUserLocations)) {
    $state = [ordered]@{}
    foreach ($name in $Locations.Keys) {
        $folder = $Locations[$name]
        # Unit and cron folders hold other software's files too: only PgPerf's names count there.
        $filter = if ($name -in 'UserUnits', 'SystemUnits', 'CronD') { 'pgperf*' } else { '*' }
        $files = @(if (Test-Path -LiteralPath $folder) {
                Get-ChildItem -LiteralPath $folder -Recurse -File -Force -Filter $filter -ErrorAction SilentlyContinue |
                    Sort-Object FullName |
                    ForEach-Object { '{0} {1} {2}' -f $_.FullName, $_.Length, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash }
            })
        $state[$name] = "$folder`n" + ($files -join "`n")
    }
    if (Get-Command crontab -CommandType Application -ErrorAction SilentlyContinue) {
        $text = (& sh -c 'crontab -l 2>/dev/null; echo "exit=$?"') -join "`n"
        $state.Crontab = $text
    } else {
        $state.Crontab = '(no crontab command)'
    }
    $state
}

function Compare-PgPerfUserState([System.Collections.IDictionary] $Before, [System.Collections.IDictionary] $After) {
    foreach ($name in $Before.Keys) {
        if ($Before[$name] -cne $After[$name]) {
            "$name changed during the tests.`n  before: $($Before[$name] -replace "`n", "`n          ")`n  after:  $($After[$name] -replace "`n", "`n          ")"
        }
    }
}

# Returns the saved variables for Exit-PgPerfTestIsolation.
function Enter-PgPerfTestIsolation([Parameter(Mandatory)] [string] $Root) {
    $saved = @{}
    $folders = @{ PGPERF_SPOOL_DIR = 'spool'; XDG_CONFIG_HOME = 'config'; XDG_DATA_HOME = 'data' }
    foreach ($name in $folders.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        $path = Join-Path $Root $folders[$name]
        $null = New-Item -ItemType Directory -Force -Path $path
        [Environment]::SetEnvironmentVariable($name, $path)
    }
    $saved
}

function Exit-PgPerfTestIsolation([hashtable] $Saved) {
    foreach ($name in $Saved.Keys) { [Environment]::SetEnvironmentVariable($name, $Saved[$name]) }
}
