-- Get-PgSlowQuery: the rows of pgperf.get_slow_queries(@hours, @min_duration_ms), of server @server_id (0 = this
-- database; migration 036). At or over 500 ms the Engine puts parts/slow_source_table.sql in {source} (the copies of
-- slow rows, so the plan stays one index scan), below it parts/slow_source_log.sql (the log). {order} is
-- parts/slow_top.sql only for -Top; otherwise the client sorts.
SELECT s.id, s.logged_at, s.query_text, s.query_hash, s.duration_ms, s.endpoint, s.user_id, s.parameters::text,
       s.is_error, s.query_truncated
  FROM {source} s
 WHERE s.server_id = @server_id
   AND s.logged_at >= now() - make_interval(hours => @hours)
   AND s.duration_ms >= @min_duration_ms
   AND (@hashes::text[] IS NULL OR s.query_hash = ANY (@hashes::text[]))
   AND (@endpoints::text[] IS NULL OR s.endpoint = ANY (@endpoints::text[]))
 {order}
