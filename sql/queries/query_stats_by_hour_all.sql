-- query_stats_by_hour.sql over all queries, from the all-queries hourly rollups (migration 011).
-- @slow_query_ms is QueryThresholds.SlowQueryMs, the threshold the rollups count slow rows at.
SELECT h.hour, 1 AS kind, '' AS query_hash, h.total, h.errors, h.slow, h.sum_ms, h.min_ms, h.max_ms, h.digest,
       NULL::float8[] AS durations, NULL::text AS sample
  FROM pgperf.query_log_hourly_all h
 WHERE h.server_id = @server_id
   AND h.hour = ANY (@hours::timestamptz[])
UNION ALL
SELECT r.hour, 2, '', count(*), count(*) FILTER (WHERE l.is_error), count(*) FILTER (WHERE l.duration_ms >= @slow_query_ms),
       sum(l.duration_ms), min(l.duration_ms), max(l.duration_ms), NULL, array_agg(l.duration_ms), NULL
  FROM unnest(@raw_hours::timestamptz[]) AS r (hour)
  JOIN LATERAL (SELECT x.duration_ms, x.is_error
                  FROM pgperf.query_performance_logs x
                 WHERE x.server_id = @server_id AND x.logged_at >= r.hour AND x.logged_at < r.hour + interval '1 hour') l ON true
 GROUP BY 1
