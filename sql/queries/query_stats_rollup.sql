-- Get-PgQueryStat from the rollups (migration 008): kind 0 = whole days, 1 = whole hours, 3 = aligned blocks of
-- hours or days (migration 011; all three with a packed digest), 2 = raw rows of the rest of the window (its partial
-- edges and hours not rolled up yet), with their durations. The Engine picks the days, hours, blocks and raw
-- ranges; {sample} is one of parts/sample_*.sql.
-- @slow_query_ms is QueryThresholds.SlowQueryMs, the threshold the rollups count slow rows at.
SELECT 0 AS kind, d.query_hash, d.total, d.errors, d.slow, d.sum_ms, d.min_ms, d.max_ms, d.digest,
       NULL::float8[] AS durations, NULL::text AS sample
  FROM pgperf.query_log_daily d
 WHERE d.server_id = @server_id
   AND d.day = ANY (@days::timestamptz[])
   AND (@hashes::text[] IS NULL OR d.query_hash = ANY (@hashes::text[]))
UNION ALL
SELECT 1, h.query_hash, h.total, h.errors, h.slow, h.sum_ms, h.min_ms, h.max_ms, h.digest, NULL, NULL
  FROM pgperf.query_log_hourly h
 WHERE h.server_id = @server_id
   AND h.hour = ANY (@hours::timestamptz[])
   AND (@hashes::text[] IS NULL OR h.query_hash = ANY (@hashes::text[]))
UNION ALL
SELECT 3, b.query_hash, b.total, b.errors, b.slow, b.sum_ms, b.min_ms, b.max_ms, b.digest, NULL, NULL
  FROM unnest(@block_starts::timestamptz[], @block_hours::integer[]) AS u (start, hours)
  JOIN pgperf.query_log_blocks b ON b.server_id = @server_id AND b.start = u.start AND b.hours = u.hours
 WHERE (@hashes::text[] IS NULL OR b.query_hash = ANY (@hashes::text[]))
UNION ALL
SELECT 2, coalesce(l.query_hash, ''), count(*), count(*) FILTER (WHERE l.is_error), count(*) FILTER (WHERE l.duration_ms >= @slow_query_ms),
       sum(l.duration_ms), min(l.duration_ms), max(l.duration_ms), NULL, array_agg(l.duration_ms), {sample}
  FROM unnest(@raw_from::timestamptz[], @raw_to::timestamptz[]) AS r (a, b)
  JOIN LATERAL (SELECT x.query_hash, x.duration_ms, x.is_error, x.query_text
                  FROM pgperf.query_performance_logs x
                 WHERE x.server_id = @server_id AND x.logged_at >= r.a AND x.logged_at < r.b) l ON true
 WHERE (@hashes::text[] IS NULL OR coalesce(l.query_hash, '') = ANY (@hashes::text[]))
 GROUP BY 2
