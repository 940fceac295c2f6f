# Install the schema and show its state.
Write-Host 'Get-PgPerfSchema (before install):'
Get-PgPerfSchema | Format-Table | Out-Host
Write-Host 'Install-PgPerfSchema -WhatIf:'
Install-PgPerfSchema -WhatIf | Out-Null
Write-Host 'Install-PgPerfSchema:'
Install-PgPerfSchema | Format-Table | Out-Host
Write-Host 'Get-PgPerfSchema (after install):'
Get-PgPerfSchema | Format-List Server, InstalledVersion, LatestVersion, Pending, ServerVersion | Out-Host
