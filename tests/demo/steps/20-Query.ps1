# Query performance: log a small mixed workload, time a block with Measure-PgQuery, then show the slow
# queries, the overall stats and the per-query stats.
$rng = [System.Random]::new(42)
$workload = @(
    @{ Name = 'conversations.list';  Endpoint = '/api/conversations';       Median = 40 }
    @{ Name = 'conversations.get';   Endpoint = '/api/conversations/{id}';  Median = 8 }
    @{ Name = 'templates.search';    Endpoint = '/api/templates';           Median = 180 }
    @{ Name = 'SELECT * FROM conversations WHERE status = $1 ORDER BY created_at DESC LIMIT 50'; Endpoint = '/api/review'; Median = 60 }
)
$records = foreach ($i in 1..400) {
    $w = $workload[$i % $workload.Count]
    # Log-normal latencies: most calls near the median, a long tail (a few over 500 ms).
    $z = [math]::Sqrt(-2 * [math]::Log(1 - $rng.NextDouble())) * [math]::Cos(2 * [math]::PI * $rng.NextDouble())
    [pscustomobject]@{
        query_text  = $w.Name
        duration_ms = [math]::Round($w.Median * [math]::Exp(1.0 * $z), 2)
        endpoint    = $w.Endpoint
        user_id     = 'user-{0}' -f ($i % 7)
        parameters  = @{ status = ('pending_review', 'approved')[$i % 2]; page = $i % 5 }
        logged_at   = [DateTimeOffset]::UtcNow.AddMinutes(-$i / 4)
    }
}
Write-Host "Send-PgQueryLog: $($records.Count) records in one pipeline (binary COPY, 1,000 per batch):"
$records | Send-PgQueryLog -ParameterMode Redact -Verbose 4>&1 | ForEach-Object { Write-Host "  $_" }

Write-Host 'Measure-PgQuery: the block''s output passes through unchanged while it is timed and logged:'
$rows = Measure-PgQuery -Name 'reports.monthly' -Endpoint '/api/reports' { Start-Sleep -Milliseconds 620; 'row 1'; 'row 2' }
Write-Host "  returned: $($rows -join ', ')"
try {
    Measure-PgQuery -Name 'reports.broken' -Endpoint '/api/reports' { throw 'division by zero' }
} catch {
    Write-Host "  a failing block is logged with IsError and its error rethrown: '$($_.Exception.Message)'"
}
# Later Measure-PgQuery calls are queued for the in-process writer (batches every 200 ms); let it catch up.
Start-Sleep -Milliseconds 500

Write-Host 'Get-PgSlowQuery -Hours 24 -Top 8 (500 ms or more, slowest first):'
Get-PgSlowQuery -Hours 24 -Top 8 | Format-Table | Out-String -Width 150 | Out-Host
Write-Host 'Get-PgQueryStat -Hours 24 (percentile_cont; Status by average: Good < 100 ms, Warning 100-500, Critical > 500):'
Get-PgQueryStat -Hours 24 | Format-Table | Out-String -Width 150 | Out-Host
Write-Host 'Get-PgQueryStat -Hours 24 -GroupBy Query:'
Get-PgQueryStat -Hours 24 -GroupBy Query | Format-Table | Out-String -Width 150 | Out-Host
Write-Host 'Get-PgQueryStat -Hours 24 -GroupBy Endpoint:'
Get-PgQueryStat -Hours 24 -GroupBy Endpoint | Format-Table | Out-String -Width 150 | Out-Host
