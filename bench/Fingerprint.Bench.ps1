# Cost of QueryHash per logged record (issue 13): bench/Fingerprint runs QueryFingerprint in process, no database.
#   dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'Fingerprint' }
# -Rounds (default 25): the minimum over rounds is the cost without interference from other work on the machine.
param(
    [string] $ConnectionString,
    [int] $Rounds = 25
)
$harness = Join-Path $PSScriptRoot 'Fingerprint'
& dotnet build $harness -c Release --nologo -v quiet -clp:ErrorsOnly | Out-Null
if ($LASTEXITCODE) { throw 'building bench/Fingerprint failed' }
& dotnet (Join-Path $harness 'bin/Release/net8.0/Fingerprint.dll') $Rounds | ForEach-Object { Write-Host "  fingerprint: $_" }
