# Get-PgSequenceRisk and the sequences health check on a database with many sequences (issue 15): 1,000 tables with
# a serial and an identity column plus 1,000 standalone sequences (3,000 by default), against a reference measured
# in the same run: the server reading pg_sequences alone (every sequence's last value, nothing else), the floor any
# such report pays. Run by bench/Invoke-Benchmarks.ps1 (./build.ps1 Bench); alone: -BenchArgs @{ Only = 'HealthSequences' }.
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $Tables = 1000,
    [int] $Repeats = 7
)
$ErrorActionPreference = 'Stop'
$admin = Connect-PgServer -ConnectionString $ConnectionString -PassThru
$env:PGPASSWORD = ($ConnectionString -split ';' | Where-Object { $_ -like 'Password=*' }) -replace '^Password=', ''
function Invoke-BenchSql([string] $Sql, [string] $Database = 'pgperf_bench_seq') {
    $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h $admin.Host -p $admin.Port -U $admin.Username -d $Database -c $Sql
    if ($LASTEXITCODE) { throw "psql failed: $out" }
    $out
}
function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][math]::Floor(($s.Count - 1) / 2)] }

Invoke-BenchSql 'DROP DATABASE IF EXISTS pgperf_bench_seq WITH (FORCE)' postgres | Out-Null
Invoke-BenchSql 'CREATE DATABASE pgperf_bench_seq' postgres | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', 'Database=pgperf_bench_seq'
Install-PgPerfSchema -Connection $cs | Out-Null
Invoke-BenchSql @"
DO `$`$ BEGIN
    FOR i IN 1..$Tables LOOP
        EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, ref bigint GENERATED ALWAYS AS IDENTITY)', i);
        EXECUTE format('CREATE SEQUENCE s%s', i);
    END LOOP;
END `$`$;
"@ | Out-Null
$sequences = [int](Invoke-BenchSql "SELECT count(*) FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'public'::regnamespace")

$timings = @{ Cmdlet = @(); Check = @(); Reference = @() }
Get-PgSequenceRisk -Connection $cs | Out-Null    # warm: loads the Engine and the catalog caches
for ($i = 0; $i -lt $Repeats; $i++) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $rows = @(Get-PgSequenceRisk -Connection $cs)
    $timings.Cmdlet += $sw.Elapsed.TotalMilliseconds
    $sw.Restart()
    Invoke-PgHealthCheck -Connection $cs -Check sequences | Out-Null
    $timings.Check += $sw.Elapsed.TotalMilliseconds
    $plan = Invoke-BenchSql 'EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM pg_sequences'
    $timings.Reference += [double](($plan | Select-String 'Execution Time: ([\d.]+)').Matches[0].Groups[1].Value)
}
if ($rows.Count -lt $sequences) { throw "Get-PgSequenceRisk returned $($rows.Count) rows for $sequences sequences." }
[pscustomobject]@{
    Sequences         = $rows.Count
    CmdletMedianMs    = [math]::Round((Get-Median $timings.Cmdlet))
    CheckMedianMs     = [math]::Round((Get-Median $timings.Check))
    ReferenceMedianMs = [math]::Round((Get-Median $timings.Reference), 1)
} | Format-Table -AutoSize | Out-Host
Invoke-BenchSql 'DROP DATABASE IF EXISTS pgperf_bench_seq WITH (FORCE)' postgres | Out-Null
