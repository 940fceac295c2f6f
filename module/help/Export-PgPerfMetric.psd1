@{
    OneServer   = 'one file describes one server, or with -Repository every registered server of one repository; for other servers run it once per server with a -Path each'
    Synopsis    = 'Writes PgPerf''s current figures in the Prometheus text format, for node_exporter''s textfile collector.'
    Description = @'
Export-PgPerfMetric reads the target through the same calls as Get-PgPerformanceSummary, Get-PgQueryStat and Get-PgPerfAlert and writes the figures as Prometheus metrics (text exposition format 0.0.4), so that Prometheus and Grafana users see PgPerf's numbers next to the rest of their monitoring. Point node_exporter's --collector.textfile.directory at the folder and run this cmdlet from the scheduler (for example every few minutes); the file is written through a temporary file and a rename, so the collector never reads half a file.

With -Repository the file is a central repository's: the figures of every registered server (all, or those -Server names, wildcards), each series labelled server="<registered name>", and each metric written once with the samples of every server. Each server's figures are what Get-PgPerformanceSummary, Get-PgQueryStat and Get-PgPerfAlert give with -Repository -Server: its stored bloat snapshots and unused indexes, the query log its applications sent to the repository (Send-PgQueryLog -Repository -Server), and its open alerts. Only the repository is read, so a registered server that is down is still exported from its history. An exact -Server name that is not registered is the error PgPerf.Repository.ServerNotFound, and the file is still written for the others; when no registered server matches, a warning says so and the file is left as it was.

Every series has the label server (host:port/database, or the registered name with -Repository). Durations are in seconds and ratios between 0 and 1, as Prometheus' naming rules ask. The query figures describe the last -Hours hours (gauges, not running counters):

pgperf_export_timestamp_seconds: when the file was written (Unix time).
pgperf_query_executions, pgperf_query_slow_executions, pgperf_query_error_executions: logged executions in the window, those at or over 500 ms, those logged as errors.
pgperf_query_duration_seconds{percentile="50|95|99"} (a gauge per percentile of the window; Prometheus keeps the label quantile for summaries) and pgperf_query_duration_average_seconds: duration percentiles (within 1 % of exact) and average in the window; absent when no query was logged.
pgperf_top_query_executions{query_hash} and pgperf_top_query_duration_seconds{query_hash,percentile}: the same for each of the -TopQueries queries with the most total time (the label cardinality stays bounded).
pgperf_table_bloat_ratio{schema,table} and pgperf_table_bloat_bytes{schema,table}: estimated bloat of the tables that waste space (at most -Top).
pgperf_unused_index_bytes{schema,table,index}: size of the indexes judged Unused or ConsiderDropping.
pgperf_open_alerts{type,severity}: open alerts.
'@
    Parameters  = @{
        Path       = 'The file to write, for example /var/lib/prometheus/node-exporter/pgperf.prom (the textfile collector reads files ending in .prom). The folder must exist; an existing file is replaced.'
        Hours      = 'The query window in hours, ending now. Default 1. Between 1 and 744.'
        TopQueries = 'How many queries, by total time in the window, get their own series. Default 10; 0 leaves the per-query series out.'
        Top        = 'At most this many tables and indexes get their own series (per server with -Repository). Default 50.'
        Repository = 'A central repository prepared with Install-PgPerfSchema -Repository: the file has the figures of every registered server (all, or those -Server names), from what is stored there, labelled with the registered names. -Credential is then the login to the repository.'
        Server     = 'With -Repository: the registered names to export; wildcards allowed. All registered servers when omitted. Without -Repository it is the error PgPerf.Repository.ServerWithoutRepository.'
    }
    Outputs     = 'System.IO.FileInfo: the written file.'
    Examples    = @(
        @{
            Title   = 'Feed node_exporter'
            Code    = 'Export-PgPerfMetric -Connection db1/app -Path /var/lib/prometheus/node-exporter/pgperf_db1.prom'
            Remarks = 'Run it every few minutes from cron or a systemd timer; Prometheus scrapes the figures with node_exporter''s textfile collector.'
        }
        @{
            Title   = 'One file for a whole fleet from the central repository'
            Code    = "Export-PgPerfMetric -Repository 'Host=perfrepo;Database=pgperf' -Server 'shop-*' -Path /var/lib/prometheus/node-exporter/pgperf_fleet.prom"
            Remarks = 'Writes the figures of every registered server whose name starts with shop-, each series labelled server="shop-...", without connecting to those servers.'
        }
        @{
            Title   = 'Look at what would be exported'
            Code    = 'Export-PgPerfMetric -Path ./pgperf.prom -Hours 24; Get-Content ./pgperf.prom | Select-String percentile'
            Remarks = 'Writes the last day''s figures and shows the percentile lines.'
        }
    )
    Links       = @('Export-PgPerfReport', 'Get-PgPerformanceSummary', 'Get-PgQueryStat', 'Get-PgPerfAlert')
}
