# Ingest speed (issue 9): the Engine's in-process writer against per-row INSERT and raw binary COPY,
# Send-PgQueryLog against PowerShell's own parameter binding and a bare ForEach-Object, and Measure-PgQuery's cost to the caller, each
# against references measured in the same run. Run by bench/Invoke-Benchmarks.ps1:
#   dotnet pwsh ./build.ps1 Bench -BenchArgs @{ Only = 'QueryIngest' }
# Sizes: -IngestRows (in-process writer vs raw COPY, default 300,000), -PipelineRows (Send-PgQueryLog vs its
# binding floor, default 300,000), -Repeat (default 5).
param(
    [Parameter(Mandatory)] [string] $ConnectionString,
    [int] $IngestRows = 300000,
    [int] $PipelineRows = 300000,
    [int] $Repeat = 5
)
$dbName = 'pgperf_bench_ingest'
. (Join-Path $PSScriptRoot 'QueryBench.Common.ps1')

Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
Invoke-Psql "CREATE DATABASE $dbName" 'postgres' | Out-Null
$cs = $ConnectionString -replace 'Database=[^;]*', "Database=$dbName"
Install-PgPerfSchema -Connection $cs | Out-Null

# --- Ingest, in process (C#): per-row INSERT and raw binary COPY references vs the Engine's writer --------------
$harness = Join-Path $PSScriptRoot 'QueryIngest'
& dotnet build $harness -c Release --nologo -v quiet -clp:ErrorsOnly | Out-Null
if ($LASTEXITCODE) { throw 'building bench/QueryIngest failed' }
$ingest = @{}
& dotnet (Join-Path $harness 'bin/Release/net8.0/QueryIngest.dll') $cs $IngestRows $Repeat | ForEach-Object {
    $k, $v = $_ -split '\|', 2; $ingest[$k] = $v; Write-Host "  ingest: $_" }
$insert = [double]$ingest['insert_rows_per_s']; $copy = [double]$ingest['copy10000_rows_per_s']; $writer = [double]$ingest['writer_rows_per_s']
Add-Result 'Reference: per-row INSERT, autocommit (Npgsql, 2,000 rows)' ('{0:N0} rows/s' -f $insert)
Add-Result "Reference: raw Npgsql binary COPY, 10,000 / 1,000 per batch ($($IngestRows.ToString('N0')) rows)" ('{0:N0} / {1:N0} rows/s' -f $copy, [double]$ingest['copy1000_rows_per_s'])
Add-Result 'Engine Send alone, 10,000 per call' ('{0:N0} rows/s' -f [double]$ingest['send10000_rows_per_s']) ('{0:P0} of raw COPY (median of per-repeat ratios)' -f [double]$ingest['send10000_vs_copy'])
Add-Result 'Engine writer (Enqueue -> bounded buffer -> background COPY), end to end until flushed' ('{0:N0} rows/s' -f $writer) ('{0:P0} of raw COPY (median of per-repeat ratios), {1:N0}x per-row INSERT; {2} landed' -f [double]$ingest['writer_vs_copy'], ($writer / $insert), $ingest['writer_rows_landed'])
Add-Result 'Engine writer: caller cost per Enqueue (buffer has room)' ('{0} us' -f $ingest['writer_enqueue_unblocked_us']) ('in a burst larger than the buffer, paced to the database: {0} us' -f $ingest['writer_enqueue_paced_us'])
if ($ingest['writer_problem']) { Add-Result 'Engine writer: full-buffer spooling during the run' $ingest['writer_problem'] }

# --- Send-PgQueryLog against PowerShell's own parameter binding -----------------------------------------------
# The floor: a compiled do-nothing cmdlet with Send-PgQueryLog's pipeline parameters, fed the same objects.
Add-Type -TypeDefinition @'
using System.Management.Automation;
[Cmdlet(VerbsCommunications.Send, "NullQueryLog")]
public sealed class SendNullQueryLogCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("query_text", "Name", "QueryName", "query_name", "Query")] [AllowEmptyString] [AllowNull]
    public string QueryText { get; set; }
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)] [Alias("duration_ms", "Duration")]
    public double DurationMs { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [AllowEmptyString] [AllowNull] public string Endpoint { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("user_id")] [AllowEmptyString] [AllowNull] public string UserId { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [AllowNull] public object Parameters { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("logged_at")] public System.DateTimeOffset? LoggedAt { get; set; }
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("is_error")] public SwitchParameter IsError { get; set; }
    [Parameter] public string Connection { get; set; }
    [Parameter] public double AlertThresholdMs { get; set; }
    protected override void ProcessRecord() { }
}
'@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module $_.Assembly }
$records = foreach ($i in 1..$PipelineRows) { [pscustomobject]@{ query_text = "SELECT * FROM conversations WHERE id = $i"; duration_ms = $i % 700; endpoint = '/api/c' } }
# Warm-up (JIT, connection, schema check) for both.
$records | Select-Object -First 5000 | Send-NullQueryLog -Connection $cs -AlertThresholdMs 0
$records | Select-Object -First 5000 | Send-PgQueryLog -Connection $cs -AlertThresholdMs 0
# Floor and cmdlet run in turn (ABBA) so a busy moment on the shared machine hits both; the ratio is the median of
# the per-repeat ratios.
# Since issue 19 item 9 the piped objects reach Send-PgQueryLog whole (-InputObject) while the floor still binds
# seven parameters by property name; the bare ForEach-Object runs in each repeat too, so both references share it.
# Send-PgQueryLog runs twice per repeat: with -Connection on the command line, and without it (the session default
# of Connect-PgServer), where PowerShell binds -Connection per record if it can (issue 19 item 9: by value it could).
Connect-PgServer -ConnectionString $cs
$records | Select-Object -First 5000 | Send-PgQueryLog -AlertThresholdMs 0
$floorRuns = @(); $sendRuns = @(); $ratios = @(); $bareRuns = @(); $bareRatios = @()
$defaultRuns = @(); $defaultRatios = @(); $defaultBareRatios = @()
foreach ($r in 1..$Repeat) {
    $order = if ($r % 2) { 'floor', 'bare', 'send', 'default' } else { 'default', 'send', 'bare', 'floor' }
    foreach ($which in $order) {
        if ($which -eq 'bare') { $bare = (Measure-Command { $records | ForEach-Object { $null = $_.query_text } }).TotalMilliseconds }
        elseif ($which -eq 'floor') { $f = (Measure-Command { $records | Send-NullQueryLog -Connection $cs -AlertThresholdMs 0 }).TotalMilliseconds }
        else {
            Invoke-Psql 'TRUNCATE pgperf.query_performance_logs' | Out-Null
            if ($which -eq 'send') { $s = (Measure-Command { $records | Send-PgQueryLog -Connection $cs -AlertThresholdMs 0 }).TotalMilliseconds }
            else { $d = (Measure-Command { $records | Send-PgQueryLog -AlertThresholdMs 0 }).TotalMilliseconds }
            $landed = [int](Invoke-Psql 'SELECT count(*) FROM pgperf.query_performance_logs')
            if ($landed -ne $PipelineRows) { throw "Send-PgQueryLog wrote $landed of $PipelineRows rows" }
        }
    }
    $floorRuns += $f; $sendRuns += $s; $ratios += $f / $s; $bareRuns += $bare; $bareRatios += $bare / $s
    $defaultRuns += $d; $defaultRatios += $f / $d; $defaultBareRatios += $bare / $d
    Write-Host ("  pipeline run {0}: floor {1:N0} rows/s, bare ForEach-Object {2:N0} rows/s, Send-PgQueryLog {3:N0} rows/s ({4:P0} of the floor, {5:P0} of ForEach-Object), without -Connection {6:N0} rows/s ({7:P0}, {8:P0}); load {9}" -f
        $r, ($PipelineRows / $f * 1000), ($PipelineRows / $bare * 1000), ($PipelineRows / $s * 1000), ($f / $s), ($bare / $s),
        ($PipelineRows / $d * 1000), ($f / $d), ($bare / $d), ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -replace ' .*'))
}
$floorMs = Get-Median $floorRuns; $sendMs = Get-Median $sendRuns; $ratio = Get-Median $ratios
$bareMs = Get-Median $bareRuns
Add-Result 'Reference: a bare ForEach-Object over the same objects' ('{0:N0} rows/s' -f ($PipelineRows / $bareMs * 1000))
Add-Result "Send-PgQueryLog, pipeline of $($PipelineRows.ToString('N0')) objects (whole objects, -InputObject)" ('{0:N0} rows/s' -f ($PipelineRows / $sendMs * 1000)) ('{0:P0} of the by-property binding floor (a do-nothing cmdlet, same parameters and input: {1:N0} rows/s), {2:P0} of the bare ForEach-Object (medians of per-repeat ratios; goal: 150,000 rows/s)' -f $ratio, ($PipelineRows / $floorMs * 1000), (Get-Median $bareRatios))
Add-Result "Send-PgQueryLog without -Connection (session default), same objects" ('{0:N0} rows/s' -f ($PipelineRows / (Get-Median $defaultRuns) * 1000)) ('{0:P0} of the floor, {1:P0} of the bare ForEach-Object, {2:P0} of the same with -Connection (medians of per-repeat ratios)' -f (Get-Median $defaultRatios), (Get-Median $defaultBareRatios), (Get-Median @(0..($Repeat - 1) | ForEach-Object { $sendRuns[$_] / $defaultRuns[$_] })))
Remove-Variable records; [GC]::Collect()

# --- Measure-PgQuery overhead ----------------------------------------------------------------------------------
$block = { 1..10 }
Measure-PgQuery -Connection $cs -Name 'bench.measure' -ScriptBlock $block | Out-Null   # the first call writes at once
$calls = 2000
$bare = Get-Median @(1..$Repeat | ForEach-Object { (Measure-Command { for ($i = 0; $i -lt $calls; $i++) { & $block | Out-Null } }).TotalMilliseconds / $calls })
$measured = Get-Median @(1..$Repeat | ForEach-Object { (Measure-Command { for ($i = 0; $i -lt $calls; $i++) { Measure-PgQuery -Connection $cs -Name 'bench.measure' -ScriptBlock $block | Out-Null } }).TotalMilliseconds / $calls })
Add-Result 'Measure-PgQuery on a trivial block (record queued for the background writer)' ('{0:N3} ms per call' -f $measured) ('bare invocation {0:N3} ms: {1:N1}x; the added cost is PowerShell''s cmdlet call and timing, not logging' -f $bare, ($measured / $bare))

$results | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Out-Host
Invoke-Psql "DROP DATABASE IF EXISTS $dbName WITH (FORCE)" 'postgres' | Out-Null
