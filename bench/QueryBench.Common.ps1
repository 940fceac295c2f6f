# Shared by Query.Bench.ps1 and QueryIngest.Bench.ps1 (dot-sourced after $ConnectionString and $dbName are set):
# psql against the bench database, medians, and the result table each prints at the end.
$ErrorActionPreference = 'Stop'
$b = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $b[$k.Trim()] = $v } }
$env:PGPASSWORD = $b['Password']
function Invoke-Psql([string] $Sql, [string] $Database = $dbName) {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $b['Host'] -p $b['Port'] -U $b['Username'] -d $Database -c $Sql
    if ($LASTEXITCODE) { throw "psql failed: $Sql" }
    $out
}
function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][math]::Floor(($s.Count - 1) / 2)] }
$results = [System.Collections.Generic.List[object]]::new()
function Add-Result([string] $Work, [string] $Figure, [string] $Note = '') {
    $results.Add([pscustomobject]@{ Work = $Work; Figure = $Figure; Note = $Note })
    Write-Host ("  {0}: {1}  {2}" -f $Work, $Figure, $Note)
}
