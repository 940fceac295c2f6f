# Several targets in one call: the demo database, the server's postgres database and a port nothing listens on.
# The targets run in parallel (-ThrottleLimit), every row says its Server, the bad one is one error and the rest go on.
$targets = @($Connection, ($Connection -replace 'Database=[^;]*', 'Database=postgres'), 'Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=3')
Write-Host 'Invoke-PgHealthCheck -Connection <3 targets, one unreachable> -Check cache_hit, vacuum -ThrottleLimit 3:'
Invoke-PgHealthCheck -Connection $targets -Check cache_hit, vacuum -ThrottleLimit 3 -ErrorVariable targetErrors -ErrorAction SilentlyContinue |
    Sort-Object Server, Check | Format-Table Server, Check, Status, Detail | Out-Host
$targetErrors | ForEach-Object { Write-Host "one error for the unreachable target $($_.TargetObject): $($_.FullyQualifiedErrorId)" }
