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
