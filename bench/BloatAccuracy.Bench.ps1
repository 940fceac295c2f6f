# Accuracy of Get-PgTableBloat against the truth: the size change of VACUUM FULL (heap + TOAST).
# Builds 11 table shapes x UPDATE/DELETE of 10/30/60/90 % x with/without a plain VACUUM (176 tables of about
# 1-2 MB, autovacuum off, ANALYZE last), measures Estimate, Approx and Exact, then VACUUM FULLs every table.
# Run alone: dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'BloatAccuracy' }
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [string] $Only,
    # Print the setup SQL and stop (to study a shape by hand).
    [switch] $EmitSql,
    # Keep the database afterwards (named in the output).
    [switch] $KeepDatabase,
    # Where to write the per-table results as CSV (optional).
    [string] $CsvPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# name = create + fill; upd = the column list of the UPDATE; drop = run after the fill.
$shapes = [ordered]@{
    narrow_int   = @{ create = '(id int, v int, w bigint)'; fill = 'SELECT i, i, i FROM generate_series(1, 24000) i'; upd = 'v = v + 1' }
    wide_text    = @{ create = '(id int, body text)'; fill = "SELECT i, repeat(md5(i::text), 14) FROM generate_series(1, 3000) i"; upd = "body = md5(body) || substr(body, 33)" }
    varchar      = @{ create = '(id int, name varchar(80), email varchar(120))'; fill = "SELECT i, repeat('n', 5 + i % 40), 'user' || i || '@' || repeat('x', i % 30) || '.example.com' FROM generate_series(1, 14000) i"; upd = "name = name || 'x'" }
    null_heavy   = @{ create = '(id int, a int, b bigint, c text, d int, e text, f bigint, g int, h text, i2 int, j bigint, k text)'
                      fill = "SELECT i, nullif(i % 4, 0) * CASE WHEN i % 3 = 0 THEN 1 END, CASE WHEN i % 5 = 0 THEN i END, CASE WHEN i % 7 = 0 THEN md5(i::text) END, CASE WHEN i % 2 = 0 THEN i END, CASE WHEN i % 9 = 0 THEN 'e' || i END, CASE WHEN i % 3 = 0 THEN i END, CASE WHEN i % 4 = 0 THEN i END, CASE WHEN i % 6 = 0 THEN repeat('h', 20) END, CASE WHEN i % 8 = 0 THEN i END, CASE WHEN i % 10 = 0 THEN i END, CASE WHEN i % 11 = 0 THEN 'k' END FROM generate_series(1, 16000) i"
                      upd = 'id = id + 0' }
    jsonb        = @{ create = '(id int, doc jsonb)'; fill = "SELECT i, jsonb_build_object('id', i, 'name', 'item ' || i, 'tags', jsonb_build_array('a', 'b', i % 7), 'price', i * 1.5, 'active', i % 2 = 0) FROM generate_series(1, 9000) i"; upd = "doc = doc || '{`"seen`": true}'" }
    numeric      = @{ create = '(id int, amount numeric(12,2), rate numeric, qty numeric(8,0))'; fill = 'SELECT i, i * 1.25, i / 7.0, i % 1000 FROM generate_series(1, 16000) i'; upd = 'qty = qty + 1' }
    dropped_cols = @{ create = '(id int, junk text, v int, old bigint)'; fill = "SELECT i, repeat('j', 60), i, i FROM generate_series(1, 12000) i"; drop = 'ALTER TABLE {0} DROP COLUMN junk, DROP COLUMN old'; upd = 'v = v + 1' }
    toast_text   = @{ create = '(id int, body text)'; fill = "SELECT i, (SELECT string_agg(md5(i::text || '/' || j), '') FROM generate_series(1, 80 + (i * 37) % 300) j) FROM generate_series(1, 240) i"; upd = "body = body || 'x'" }
    ff70         = @{ create = '(id int, v int, label text) WITH (fillfactor = 70)'; fill = "SELECT i, i, 'label ' || i FROM generate_series(1, 16000) i"; upd = 'v = v + 1' }
    padding      = @{ create = '(a bool, b bigint, c bool, d bigint, e smallint, f timestamptz, g bool, h bigint)'; fill = "SELECT i % 2 = 0, i, true, i, 1, '2025-01-01'::timestamptz + i * interval '1 s', false, i FROM generate_series(1, 12000) i"; upd = 'e = e + 1' }
    name_cols    = @{ create = '(id int, owner name, v int)'; fill = "SELECT i, 'owner' || (i % 50), i FROM generate_series(1, 9000) i"; upd = 'v = v + 1' }
}
$ops = 'update', 'delete'
$pcts = 10, 30, 60, 90
$vacuums = $false, $true

$tables = foreach ($s in $shapes.Keys) { foreach ($op in $ops) { foreach ($p in $pcts) { foreach ($v in $vacuums) {
    [pscustomobject]@{ Shape = $s; Op = $op; Pct = $p; Vacuum = $v; Name = '{0}_{1}_{2}{3}' -f $s, $op.Substring(0, 3), $p, $(if ($v) { '_v' } else { '' }) }
} } } }
if ($Only) { $tables = $tables | Where-Object Shape -like $Only }

# Three phases, each run in its own session as an application, then autovacuum, would: the workload
# session's statistics are flushed when it ends, before the plain VACUUM and the ANALYZE.
function Get-SetupSql([ValidateSet('Workload', 'Vacuum', 'Analyze')] [string] $Phase) {
    $sb = [System.Text.StringBuilder]::new()
    if ($Phase -eq 'Workload') { [void]$sb.AppendLine('DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;') }
    foreach ($t in $tables) {
        $shape = $shapes[$t.Shape]
        $name = "bench.$($t.Name)"
        switch ($Phase) {
            'Workload' {
                $create = $shape.create -replace '\) WITH \(', ') WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off, '
                if ($create -notmatch 'WITH \(') { $create += ' WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off)' }
                $key = if ($t.Shape -eq 'padding') { 'b' } else { 'id' }
                [void]$sb.AppendLine("CREATE TABLE $name $create;")
                [void]$sb.AppendLine("INSERT INTO $name $($shape.fill);")
                if ($shape.ContainsKey('drop')) { [void]$sb.AppendLine(($shape.drop -f $name) + ';') }
                $where = "abs(hashint4($key::int)) % 100 < $($t.Pct)"
                if ($t.Op -eq 'update') { [void]$sb.AppendLine("UPDATE $name SET $($shape.upd) WHERE $where;") }
                else { [void]$sb.AppendLine("DELETE FROM $name WHERE $where;") }
            }
            'Vacuum' { if ($t.Vacuum) { [void]$sb.AppendLine("VACUUM $name;") } }
            'Analyze' { [void]$sb.AppendLine("ANALYZE $name;") }
        }
    }
    $sb.ToString()
}

if ($EmitSql) { return 'Workload', 'Vacuum', 'Analyze' | ForEach-Object { Get-SetupSql $_; "-- phase end" } }

# ---- run it -------------------------------------------------------------------------------------------------
. (Join-Path $PSScriptRoot 'BloatBench.Common.ps1')
$dbName = 'pgperf_bench_bloat'
$benchCs = ($ConnectionString -replace 'Database=[^;]*', '').TrimEnd(';') + ";Database=$dbName"

$clock = [System.Diagnostics.Stopwatch]::StartNew()
Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null
Invoke-Psql postgres "CREATE DATABASE $dbName" | Out-Null
try {
    Install-PgPerfSchema -Connection $benchCs | Out-Null
    Invoke-Psql $dbName 'CREATE EXTENSION pgstattuple' | Out-Null
    foreach ($phase in 'Workload', 'Vacuum', 'Analyze') {
        $file = [System.IO.Path]::GetTempFileName()
        try { Set-Content $file (Get-SetupSql $phase); Invoke-Psql $dbName -File $file | Out-Null } finally { Remove-Item $file }
        # A backend flushes its statistics as it exits, just after psql returns; let that land first.
        Start-Sleep -Seconds 1
    }
    $setupSeconds = $clock.Elapsed.TotalSeconds
    Write-Host ("Built {0} tables in {1:n1} s" -f @($tables).Count, $setupSeconds)

    $timing = [ordered]@{}
    $measure = {
        param($Method)
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $rows = Get-PgTableBloat -Connection $benchCs -Schema bench -Method $Method
        $timing[$Method] = $sw.Elapsed.TotalMilliseconds
        $map = @{}; foreach ($r in $rows) { $map[$r.Table] = $r }; $map
    }
    $est = & $measure Estimate
    $approx = & $measure Approx
    $exact = & $measure Exact
    # The ratio the issue warns about, for contrast.
    $deadRatio = @{}
    foreach ($line in Invoke-Psql $dbName "SELECT relname, CASE WHEN n_live_tup + n_dead_tup > 0 THEN 100.0 * n_dead_tup / (n_live_tup + n_dead_tup) ELSE 0 END FROM pg_stat_user_tables WHERE schemaname = 'bench'") {
        $n, $v = $line -split '\|'; $deadRatio[$n] = [double]$v
    }

    # The truth: what VACUUM FULL gives back, heap + TOAST.
    $sizeSql = "SELECT c.relname, pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0) FROM pg_class c WHERE c.relnamespace = 'bench'::regnamespace AND c.relkind = 'r'"
    $before = @{}; foreach ($line in Invoke-Psql $dbName $sizeSql) { $n, $v = $line -split '\|'; $before[$n] = [double]$v }
    $file = [System.IO.Path]::GetTempFileName()
    try { Set-Content $file (($tables | ForEach-Object { "VACUUM FULL bench.$($_.Name);" }) -join "`n"); Invoke-Psql $dbName -File $file | Out-Null } finally { Remove-Item $file }
    $after = @{}; foreach ($line in Invoke-Psql $dbName $sizeSql) { $n, $v = $line -split '\|'; $after[$n] = [double]$v }

    $results = foreach ($t in $tables) {
        $truth = if ($before[$t.Name] -gt 0) { 100 * ($before[$t.Name] - $after[$t.Name]) / $before[$t.Name] } else { 0 }
        [pscustomobject]@{
            Table = $t.Name; Shape = $t.Shape; Op = $t.Op; Pct = $t.Pct; Vacuum = $t.Vacuum
            Truth = [math]::Round($truth, 2); Estimate = $est[$t.Name].BloatPercent; Approx = $approx[$t.Name].BloatPercent; Exact = $exact[$t.Name].BloatPercent
            DeadRatio = [math]::Round($deadRatio[$t.Name], 2)
            TruthStatus = [PgPerf.BloatMath]::Status($truth); EstimateStatus = $est[$t.Name].Status
            Confidence = $est[$t.Name].Confidence; Flags = $est[$t.Name].Flags -join ','
        }
    }
    if ($CsvPath) { $results | Export-Csv $CsvPath -NoTypeInformation }

    function Get-Stat($Rows, [scriptblock] $Error) {
        $e = @($Rows | ForEach-Object { [math]::Abs((& $Error $_)) })
        [pscustomobject]@{ Mean = ($e | Measure-Object -Average).Average; Worst = ($e | Measure-Object -Maximum).Maximum; Within1 = @($e | Where-Object { $_ -le 1 }).Count; N = $e.Count }
    }
    $notDropped = $results | Where-Object Shape -ne 'dropped_cols'
    $sEst = Get-Stat $results { param($r) $r.Estimate - $r.Truth }
    $sDead = Get-Stat $results { param($r) $r.DeadRatio - $r.Truth }
    $sExact = Get-Stat $notDropped { param($r) $r.Exact - $r.Truth }
    $sExactDropped = Get-Stat ($results | Where-Object Shape -eq 'dropped_cols') { param($r) $r.Exact - $r.Truth }
    $sApprox = Get-Stat $notDropped { param($r) $r.Approx - $r.Exact }
    $sApproxTruth = Get-Stat $results { param($r) $r.Approx - $r.Truth }
    $band = @($results | Where-Object { $_.TruthStatus -eq $_.EstimateStatus }).Count

    Write-Host ''
    Write-Host ("Bloat accuracy: {0} tables ({1} shapes x UPDATE/DELETE x 10/30/60/90 % x with/without VACUUM), percentage points" -f $results.Count, @($results.Shape | Sort-Object -Unique).Count)
    Write-Host ''
    Write-Host '| Measure | Mean abs error | Worst | Other |'
    Write-Host '|---|---:|---:|---|'
    Write-Host ('| Estimate vs truth (all tables) | {0:n2} | {1:n2} | same Status band: {2} of {3} ({4:p0}) |' -f $sEst.Mean, $sEst.Worst, $band, $results.Count, ($band / $results.Count))
    Write-Host ('| Exact vs truth (all but dropped_cols) | {0:n2} | {1:n2} | within 3 points: {2} of {3} |' -f $sExact.Mean, $sExact.Worst, @($notDropped | Where-Object { [math]::Abs($_.Exact - $_.Truth) -le 3 }).Count, $sExact.N)
    Write-Host ('| Exact vs truth (dropped_cols, flagged) | {0:n2} | {1:n2} | pgstattuple counts dropped data as live |' -f $sExactDropped.Mean, $sExactDropped.Worst)
    Write-Host ('| Approx vs Exact (all but dropped_cols) | {0:n2} | {1:n2} | within 1 point: {2} of {3} |' -f $sApprox.Mean, $sApprox.Worst, $sApprox.Within1, $sApprox.N)
    Write-Host ('| Approx vs truth (all tables) | {0:n2} | {1:n2} | |' -f $sApproxTruth.Mean, $sApproxTruth.Worst)
    Write-Host ('| n_dead_tup ratio vs truth (for contrast) | {0:n2} | {1:n2} | |' -f $sDead.Mean, $sDead.Worst)
    Write-Host ''
    Write-Host ('Get-PgTableBloat over the {0} tables: Estimate {1:n0} ms, Approx {2:n0} ms, Exact {3:n0} ms. Whole benchmark {4:n0} s.' -f $results.Count, $timing.Estimate, $timing.Approx, $timing.Exact, $clock.Elapsed.TotalSeconds)
    Write-Host ''
    Write-Host 'Per shape (Estimate mean abs error / worst):'
    $results | Group-Object Shape | ForEach-Object {
        $s = Get-Stat $_.Group { param($r) $r.Estimate - $r.Truth }
        Write-Host ('  {0,-13} {1,5:n2} / {2,5:n2}' -f $_.Name, $s.Mean, $s.Worst)
    }
    $worst = $results | Sort-Object { [math]::Abs($_.Estimate - $_.Truth) } -Descending | Select-Object -First 5
    Write-Host 'Largest Estimate errors:'
    $worst | Format-Table Table, Truth, Estimate, Exact, Approx, Confidence, Flags -AutoSize | Out-String | Write-Host
    Write-Host 'Largest Approx - Exact differences (all but dropped_cols):'
    $notDropped | Sort-Object { [math]::Abs($_.Approx - $_.Exact) } -Descending | Select-Object -First 5 |
        Format-Table Table, Truth, Estimate, Exact, Approx -AutoSize | Out-String | Write-Host
} finally {
    if (-not $KeepDatabase) { Invoke-Psql postgres "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" | Out-Null }
    else { Write-Host "Kept database $dbName." }
}
