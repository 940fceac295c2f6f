-- Get-PgQueryStat. {group_select} and {group_by} are parts (sql/queries/parts/stats_*.sql) for the grouping: none,
-- query_hash or endpoint. Exact percentiles, like the spec's P95.
SELECT {group_select}
       count(*)                                                   AS total,
       count(*) FILTER (WHERE duration_ms >= @slow_ms)            AS slow,
       count(*) FILTER (WHERE is_error)                           AS errors,
       avg(duration_ms)                                           AS avg_ms,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms) AS pct,
       min(duration_ms)                                           AS min_ms,
       max(duration_ms)                                           AS max_ms,
       sum(duration_ms)                                           AS sum_ms
  FROM pgperf.query_performance_logs
 WHERE server_id = @server_id
   AND logged_at >= @start AND logged_at < @end
   AND (@hashes::text[] IS NULL OR query_hash = ANY (@hashes::text[]))
   AND (@endpoints::text[] IS NULL OR endpoint = ANY (@endpoints::text[]))
 {group_by}
