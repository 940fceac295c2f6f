# One HTML page with everything above (open it in a browser), and the same figures for Prometheus.
$reportPath = Join-Path $PSScriptRoot '../../../out/pgperf-demo-report.html'
$metricsPath = Join-Path $PSScriptRoot '../../../out/pgperf-demo.prom'
Export-PgPerfReport -Path $reportPath -Hours 24 | Format-Table Name, Length, LastWriteTime
Export-PgPerfMetric -Path $metricsPath | Out-Null
Get-Content $metricsPath | Select-String '^pgperf_query_(executions|duration_seconds)' | ForEach-Object Line
Write-Host "Open $((Resolve-Path $reportPath).Path) in a browser to see the charts."
