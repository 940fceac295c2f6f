# Speed of Get-PgTableBloat -Method Estimate over 2,000 tables (goal: well under a second).
# Run alone: dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'BloatSpeed' }
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Tables = 2000,
    [int] $Runs = 7
)
$ErrorActionPreference = 'Stop'
$parts = @{}
foreach ($pair in $ConnectionString -split ';') { $k, $v = $pair -split '=', 2; if ($k) { $parts[$k.Trim()] = $v } }
$dbName = 'pgperf_bench_bloat_speed'
$cs = ($ConnectionString -replace 'Database=[^;]*', '').TrimEnd(';') + ";Database=$dbName"
function Invoke-Psql([string] $Database, [string] $Sql) {
    $env:PGPASSWORD = $parts['Password']
    try {
        $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $parts['Host'] -p $parts['Port'] -U $parts['Username'] -d $Database -c $Sql 2>&1
        if ($LASTEXITCODE) { throw "psql failed: $out" }
        $out
    } finally { Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue }
}

Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null
Invoke-Psql postgres "CREATE DATABASE $dbName" | Out-Null
try {
    Install-PgPerfSchema -Connection $cs | Out-Null
    # 2,000 small tables of five shapes (4 to 12 columns), 50 rows each, analyzed.
    Invoke-Psql $dbName @"
DO `$`$
DECLARE i int;
BEGIN
  FOR i IN 1..$Tables LOOP
    CASE i % 5
      WHEN 0 THEN EXECUTE format('CREATE TABLE t%s (id bigint, a int, b text, c timestamptz)', i);
      WHEN 1 THEN EXECUTE format('CREATE TABLE t%s (id int, a text, b text, c numeric, d jsonb, e bool)', i);
      WHEN 2 THEN EXECUTE format('CREATE TABLE t%s (id int, a int, b int, c int, d int, e int, f bigint, g bigint, h text, i2 text, j bool, k date)', i);
      WHEN 3 THEN EXECUTE format('CREATE TABLE t%s (id uuid, a text, b varchar(40), c int) WITH (fillfactor = 80)', i);
      ELSE EXECUTE format('CREATE TABLE t%s (id int, a smallint, b bigint, c bool, d float8)', i);
    END CASE;
    EXECUTE format('INSERT INTO t%s (id) SELECT %s FROM generate_series(1, 50)', i, CASE WHEN i % 5 = 3 THEN 'gen_random_uuid()' ELSE 'generate_series(1, 50)' END);
  END LOOP;
END `$`$;
"@ | Out-Null
    Invoke-Psql $dbName 'ANALYZE' | Out-Null

    $count = @(Get-PgTableBloat -Connection $cs).Count   # warm-up: connection pool, plan cache
    $cmdlet = foreach ($i in 1..$Runs) { (Measure-Command { Get-PgTableBloat -Connection $cs | Out-Null }).TotalMilliseconds }
    $median = { param($v) ($v | Sort-Object)[[int][math]::Floor(@($v).Count / 2)] }
    Write-Host ''
    Write-Host "Bloat estimate speed: $count rows ($Tables tables + pgperf's own), $Runs runs after a warm-up"
    Write-Host ''
    Write-Host '| What | Median ms | Min ms | Max ms |'
    Write-Host '|---|---:|---:|---:|'
    Write-Host ('| Get-PgTableBloat (Estimate), end to end | {0:n0} | {1:n0} | {2:n0} |' -f (& $median $cmdlet), ($cmdlet | Measure-Object -Minimum).Minimum, ($cmdlet | Measure-Object -Maximum).Maximum)
} finally {
    Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null
}
