# Accuracy of Get-PgIndexBloat against the truth: the size change of REINDEX.
# Builds one B-tree per table: 8 key shapes x (no change; inserted in random order; deletes of 10/30/60/90 % of the
# rows scattered; deletes of the lowest 30/60/90 % of the keys) at fillfactor 90, plus fillfactor 70 and 100 for
# the fresh, random-order and 60 %-scattered cases (120 indexes of about 0.3-1.3 MB, autovacuum off, VACUUM ANALYZE
# last), measures Estimate and Exact, then REINDEXes every index.
# Run alone: dotnet pwsh ./build.ps1 Bench -Server Local -BenchArgs @{ Only = 'IndexBloatAccuracy' }
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    # Only shapes matching this wildcard.
    [string] $Shape,
    # Keep the database afterwards (named in the output).
    [switch] $KeepDatabase,
    # Where to write the per-index results as CSV (optional).
    [string] $CsvPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$rows = 20000
# cols = the table's columns after id; key = the indexed columns; fill = their values from g.
$shapes = [ordered]@{
    int4        = @{ cols = 'k int'; key = 'k'; fill = 'g' }
    int8        = @{ cols = 'k bigint'; key = 'k'; fill = 'g::bigint * 3' }
    uuid        = @{ cols = 'k uuid'; key = 'k'; fill = 'md5(g::text)::uuid' }
    md5_text    = @{ cols = 'k text'; key = 'k'; fill = 'md5(g::text)' }
    varchar     = @{ cols = 'k varchar(80)'; key = 'k'; fill = "'user' || g || repeat('x', g % 40)" }
    int4_int8   = @{ cols = 'a int, b bigint'; key = 'a, b'; fill = 'g % 1000, g::bigint' }
    timestamptz = @{ cols = 'k timestamptz'; key = 'k'; fill = "'2025-01-01'::timestamptz + g * interval '1 s'" }
    # Repeated keys: REINDEX stores each group once (deduplication); the estimate flags it (Deduplicated).
    dup_int     = @{ cols = 'k int'; key = 'k'; fill = 'g % 200' }
}
$cases = @(
    @{ Op = 'fresh'; Pct = 0; FillFactors = 90, 70, 100 }
    @{ Op = 'random'; Pct = 0; FillFactors = 90, 70, 100 }
    @{ Op = 'scattered'; Pct = 10; FillFactors = , 90 }
    @{ Op = 'scattered'; Pct = 30; FillFactors = , 90 }
    @{ Op = 'scattered'; Pct = 60; FillFactors = 90, 70, 100 }
    @{ Op = 'scattered'; Pct = 90; FillFactors = , 90 }
    @{ Op = 'ordered'; Pct = 30; FillFactors = , 90 }
    @{ Op = 'ordered'; Pct = 60; FillFactors = , 90 }
    @{ Op = 'ordered'; Pct = 90; FillFactors = , 90 }
)
$indexes = foreach ($s in $shapes.Keys) { foreach ($c in $cases) { foreach ($ff in $c.FillFactors) {
    [pscustomobject]@{ Shape = $s; Op = $c.Op; Pct = $c.Pct; FillFactor = $ff; Name = '{0}_{1}{2}_ff{3}' -f $s, $c.Op, $(if ($c.Pct) { $c.Pct } else { '' }), $ff }
} } }
if ($Shape) { $indexes = $indexes | Where-Object Shape -like $Shape }

function Get-SetupSql([ValidateSet('Workload', 'Vacuum')] [string] $Phase) {
    $sb = [System.Text.StringBuilder]::new()
    if ($Phase -eq 'Workload') { [void]$sb.AppendLine('DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;') }
    foreach ($i in $indexes) {
        $s = $shapes[$i.Shape]
        $table = "bench.t_$($i.Name)"
        if ($Phase -eq 'Vacuum') { [void]$sb.AppendLine("VACUUM ANALYZE $table;"); continue }
        $create = "CREATE INDEX $($i.Name) ON $table ($($s.key)) WITH (fillfactor = $($i.FillFactor));"
        [void]$sb.AppendLine("CREATE TABLE $table (id int, $($s.cols)) WITH (autovacuum_enabled = off);")
        if ($i.Op -eq 'random') {
            # The index grows by page splits, as it does under an application inserting keys in no order.
            [void]$sb.AppendLine($create)
            [void]$sb.AppendLine("INSERT INTO $table SELECT g, $($s.fill) FROM generate_series(1, $rows) g ORDER BY hashint4(g);")
            continue
        }
        [void]$sb.AppendLine("INSERT INTO $table SELECT g, $($s.fill) FROM generate_series(1, $rows) g;")
        [void]$sb.AppendLine($create)
        switch ($i.Op) {
            'scattered' { [void]$sb.AppendLine("DELETE FROM $table WHERE abs(hashint4(id)) % 100 < $($i.Pct);") }
            'ordered' { [void]$sb.AppendLine("DELETE FROM $table WHERE ($($s.key)) IN (SELECT $($s.key) FROM $table ORDER BY $($s.key) LIMIT $([int]($rows * $i.Pct / 100)));") }
        }
    }
    $sb.ToString()
}

. (Join-Path $PSScriptRoot 'BloatBench.Common.ps1')
$dbName = 'pgperf_bench_index_bloat'
$benchCs = ($ConnectionString -replace 'Database=[^;]*', '').TrimEnd(';') + ";Database=$dbName"

function Invoke-PsqlScript([string] $Sql) {
    $file = [System.IO.Path]::GetTempFileName()
    try { Set-Content $file $Sql; Invoke-Psql $dbName -File $file | Out-Null } finally { Remove-Item $file }
}

$clock = [System.Diagnostics.Stopwatch]::StartNew()
Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null
Invoke-Psql postgres "CREATE DATABASE $dbName" | Out-Null
try {
    Invoke-Psql $dbName 'CREATE EXTENSION pgstattuple' | Out-Null
    Invoke-PsqlScript (Get-SetupSql Workload)
    # A backend flushes its statistics as it exits, just after psql returns; let that land before VACUUM ANALYZE.
    Start-Sleep -Seconds 1
    Invoke-PsqlScript (Get-SetupSql Vacuum)
    Start-Sleep -Seconds 1
    Write-Host ("Built {0} indexes in {1:n1} s" -f @($indexes).Count, $clock.Elapsed.TotalSeconds)

    $timing = [ordered]@{}
    $measure = {
        param($Method)
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $found = Get-PgIndexBloat -Connection $benchCs -Schema bench -Method $Method -TimeBudgetSeconds 3600
        $timing[$Method] = $sw.Elapsed.TotalMilliseconds
        $map = @{}; foreach ($r in $found) { $map[$r.Index] = $r }; $map
    }
    $est = & $measure Estimate
    $firstEstimate = $timing.Estimate   # includes loading the Engine and opening the first connection
    $est = & $measure Estimate
    $exact = & $measure Exact

    # The truth: what REINDEX gives back.
    $sizeSql = "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c WHERE c.relnamespace = 'bench'::regnamespace AND c.relkind = 'i'"
    $before = @{}; foreach ($line in Invoke-Psql $dbName $sizeSql) { $n, $v = $line -split '\|'; $before[$n] = [double]$v }
    Invoke-PsqlScript (($indexes | ForEach-Object { "REINDEX INDEX bench.$($_.Name);" }) -join "`n")
    $after = @{}; foreach ($line in Invoke-Psql $dbName $sizeSql) { $n, $v = $line -split '\|'; $after[$n] = [double]$v }

    $results = foreach ($i in $indexes) {
        $truth = if ($before[$i.Name] -gt 0) { 100 * ($before[$i.Name] - $after[$i.Name]) / $before[$i.Name] } else { 0 }
        [pscustomobject]@{
            Index = $i.Name; Shape = $i.Shape; Op = $i.Op; Pct = $i.Pct; FillFactor = $i.FillFactor
            SizeKB = [math]::Round($before[$i.Name] / 1KB); Truth = [math]::Round($truth, 2)
            Estimate = $est[$i.Name].BloatPercent; Exact = $exact[$i.Name].BloatPercent
            TruthStatus = [PgPerf.BloatMath]::IndexStatus($truth, [long]($before[$i.Name] - $after[$i.Name])); EstimateStatus = $est[$i.Name].Status; ExactStatus = $exact[$i.Name].Status
            Confidence = $est[$i.Name].Confidence; Flags = $est[$i.Name].Flags -join ','
        }
    }
    if ($CsvPath) { $results | Export-Csv $CsvPath -NoTypeInformation }

    function Get-Stat($Rows, [scriptblock] $Error) {
        $e = @($Rows | ForEach-Object { [math]::Abs((& $Error $_)) })
        [pscustomobject]@{ Mean = ($e | Measure-Object -Average).Average; Worst = ($e | Measure-Object -Maximum).Maximum; Within5 = @($e | Where-Object { $_ -le 5 }).Count; N = $e.Count }
    }
    $plain = @($results | Where-Object Shape -ne 'dup_int')
    $dup = @($results | Where-Object Shape -eq 'dup_int')
    $sEst = Get-Stat $plain { param($r) $r.Estimate - $r.Truth }
    $sExact = Get-Stat $plain { param($r) $r.Exact - $r.Truth }
    $sEstDup = Get-Stat $dup { param($r) $r.Estimate - $r.Truth }
    $sExactDup = Get-Stat $dup { param($r) $r.Exact - $r.Truth }
    $bandEst = @($plain | Where-Object { $_.TruthStatus -eq $_.EstimateStatus }).Count
    $bandExact = @($plain | Where-Object { $_.TruthStatus -eq $_.ExactStatus }).Count

    Write-Host ''
    Write-Host ("Index bloat accuracy: {0} B-tree indexes ({1} key shapes), error in percentage points of the index size" -f $results.Count, @($results.Shape | Sort-Object -Unique).Count)
    Write-Host ''
    Write-Host '| Measure | Mean abs error | Worst | Within 5 points | Same Status as the truth |'
    Write-Host '|---|---:|---:|---:|---:|'
    Write-Host ('| Estimate vs truth (all but repeated keys) | {0:n2} | {1:n2} | {2} of {3} | {4} of {3} |' -f $sEst.Mean, $sEst.Worst, $sEst.Within5, $sEst.N, $bandEst)
    Write-Host ('| Exact vs truth (all but repeated keys) | {0:n2} | {1:n2} | {2} of {3} | {4} of {3} |' -f $sExact.Mean, $sExact.Worst, $sExact.Within5, $sExact.N, $bandExact)
    if ($dup.Count) {
        Write-Host ('| Estimate vs truth (repeated keys, flagged Deduplicated) | {0:n2} | {1:n2} | {2} of {3} | |' -f $sEstDup.Mean, $sEstDup.Worst, $sEstDup.Within5, $sEstDup.N)
        Write-Host ('| Exact vs truth (repeated keys) | {0:n2} | {1:n2} | {2} of {3} | |' -f $sExactDup.Mean, $sExactDup.Worst, $sExactDup.Within5, $sExactDup.N)
    }
    Write-Host ''
    Write-Host ('Get-PgIndexBloat over the {0} indexes: Estimate {1:n0} ms (first call {2:n0} ms), Exact {3:n0} ms. Whole benchmark {4:n0} s.' -f $results.Count, $timing.Estimate, $firstEstimate, $timing.Exact, $clock.Elapsed.TotalSeconds)
    Write-Host ''
    Write-Host 'Per shape, mean abs error / worst (Estimate; Exact):'
    $results | Group-Object Shape | ForEach-Object {
        $e = Get-Stat $_.Group { param($r) $r.Estimate - $r.Truth }
        $x = Get-Stat $_.Group { param($r) $r.Exact - $r.Truth }
        Write-Host ('  {0,-12} {1,6:n2} / {2,6:n2};  {3,6:n2} / {4,6:n2}' -f $_.Name, $e.Mean, $e.Worst, $x.Mean, $x.Worst)
    }
    Write-Host 'Per case, mean abs error / worst (Estimate; Exact), all but repeated keys:'
    $plain | Group-Object { '{0} {1}% ff{2}' -f $_.Op, $_.Pct, $_.FillFactor } | ForEach-Object {
        $e = Get-Stat $_.Group { param($r) $r.Estimate - $r.Truth }
        $x = Get-Stat $_.Group { param($r) $r.Exact - $r.Truth }
        $t = ($_.Group | Measure-Object Truth -Average).Average
        Write-Host ('  {0,-20} truth {1,5:n1}   {2,6:n2} / {3,6:n2};  {4,6:n2} / {5,6:n2}' -f $_.Name, $t, $e.Mean, $e.Worst, $x.Mean, $x.Worst)
    }
    Write-Host 'Largest Estimate errors:'
    $results | Sort-Object { [math]::Abs($_.Estimate - $_.Truth) } -Descending | Select-Object -First 6 |
        Format-Table Index, SizeKB, Truth, Estimate, Exact, Confidence, Flags -AutoSize | Out-String | Write-Host
    Write-Host 'Largest Exact errors:'
    $results | Sort-Object { [math]::Abs($_.Exact - $_.Truth) } -Descending | Select-Object -First 6 |
        Format-Table Index, SizeKB, Truth, Estimate, Exact, Confidence, Flags -AutoSize | Out-String | Write-Host
} finally {
    if (-not $KeepDatabase) { Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null }
    else { Write-Host "Kept database $dbName." }
}
