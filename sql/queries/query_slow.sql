-- Get-PgSlowQuery. The extra "duration_ms >= 500" is added by the Engine (as literal text, never user input)
-- when the threshold is 500 or more, so the planner can prove the partial slow-row index applies.
SELECT s.id, s.logged_at, s.query_text, s.query_hash, s.duration_ms, s.endpoint, s.user_id, s.parameters::text,
       s.is_error, s.query_truncated
  FROM pgperf.get_slow_queries(@hours, @min_duration_ms) s
 WHERE (@hashes::text[] IS NULL OR s.query_hash = ANY (@hashes::text[]))
   AND (@endpoints::text[] IS NULL OR s.endpoint = ANY (@endpoints::text[]))
   /*slow_index*/
 ORDER BY s.duration_ms DESC, s.logged_at DESC
 LIMIT @top
