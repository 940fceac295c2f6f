-- Get-PgQueryStat for each hour of a window in one read (Export-PgPerfReport's charts): kind 1 = the hour's rollup
-- rows (packed digest), 2 = raw rows of an hour that is not rolled up (yet), with their durations. The columns after
-- "hour" are those of query_stats_rollup.sql, so the Engine merges them with the same code.
-- @slow_query_ms is QueryThresholds.SlowQueryMs, the threshold the rollups count slow rows at.
SELECT h.hour, 1 AS kind, h.query_hash, h.total, h.errors, h.slow, h.sum_ms, h.min_ms, h.max_ms, h.digest,
       NULL::float8[] AS durations, NULL::text AS sample
  FROM pgperf.query_log_hourly h
 WHERE h.server_id = @server_id
   AND h.hour = ANY (@hours::timestamptz[])
   AND (@hashes::text[] IS NULL OR h.query_hash = ANY (@hashes::text[]))
UNION ALL
SELECT r.hour, 2, coalesce(l.query_hash, ''), count(*), count(*) FILTER (WHERE l.is_error), count(*) FILTER (WHERE l.duration_ms >= @slow_query_ms),
       sum(l.duration_ms), min(l.duration_ms), max(l.duration_ms), NULL, array_agg(l.duration_ms), NULL
  FROM unnest(@raw_hours::timestamptz[]) AS r (hour)
  JOIN LATERAL (SELECT x.query_hash, x.duration_ms, x.is_error
                  FROM pgperf.query_performance_logs x
                 WHERE x.server_id = @server_id AND x.logged_at >= r.hour AND x.logged_at < r.hour + interval '1 hour') l ON true
 WHERE (@hashes::text[] IS NULL OR coalesce(l.query_hash, '') = ANY (@hashes::text[]))
 GROUP BY 1, 3
