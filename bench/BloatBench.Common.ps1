# Shared by the bloat accuracy benches (dot-source it after the param block): psql on the bench's server as the
# connection string's user. $parts holds the connection string's keys.
$parts = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $parts[$k.Trim()] = $v } }

function Invoke-Psql([string] $Database, [string] $Sql, [string] $File) {
    $env:PGPASSWORD = $parts['Password']
    try {
        $arguments = @('-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', $parts['Host'], '-p', $parts['Port'], '-U', $parts['Username'], '-d', $Database)
        $arguments += if ($File) { @('-f', $File) } else { @('-c', $Sql) }
        $out = & psql @arguments 2>&1
        if ($LASTEXITCODE) { throw "psql failed: $out" }
        $out | Where-Object { $_ -notmatch '^NOTICE' }
    } finally { Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue }
}
