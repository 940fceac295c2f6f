-- Get-PgQueryStat without -GroupBy or -QueryHash, from the all-queries rollups (migration 011): the same kinds as
-- query_stats_rollup.sql (0 = whole days, 1 = whole hours, 2 = raw rows of the rest), one row per day or hour.
-- @slow_query_ms is QueryThresholds.SlowQueryMs, the threshold the rollups count slow rows at.
SELECT 0 AS kind, '' AS query_hash, d.total, d.errors, d.slow, d.sum_ms, d.min_ms, d.max_ms, d.digest,
       NULL::float8[] AS durations, NULL::text AS sample
  FROM pgperf.query_log_daily_all d
 WHERE d.server_id = @server_id
   AND d.day = ANY (@days::timestamptz[])
UNION ALL
SELECT 1, '', h.total, h.errors, h.slow, h.sum_ms, h.min_ms, h.max_ms, h.digest, NULL, NULL
  FROM pgperf.query_log_hourly_all h
 WHERE h.server_id = @server_id
   AND h.hour = ANY (@hours::timestamptz[])
UNION ALL
SELECT 2, '', count(*), count(*) FILTER (WHERE l.is_error), count(*) FILTER (WHERE l.duration_ms >= @slow_query_ms),
       sum(l.duration_ms), min(l.duration_ms), max(l.duration_ms), NULL, array_agg(l.duration_ms), NULL
  FROM unnest(@raw_from::timestamptz[], @raw_to::timestamptz[]) AS r (a, b)
  JOIN LATERAL (SELECT x.duration_ms, x.is_error
                  FROM pgperf.query_performance_logs x
                 WHERE x.server_id = @server_id AND x.logged_at >= r.a AND x.logged_at < r.b) l ON true
HAVING count(*) > 0
