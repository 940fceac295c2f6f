-- Opens or updates server @server_id's one slow_query alert of each query hash (dedup key slow_query:<hash>; 0 = this
-- database, else the registered server whose log was sent to this repository): while a query stays
-- slow its alert stays open, with occurrences and last seen updated; the hourly job resolves it after a quiet hour
-- (QueryPerformanceCheck). Arrays hold one element per query hash among the rows just written; p_seen_at is the
-- group's first execution, last_seen_at is fixed up after. Subject and message show the query text, shortened.
SELECT pgperf.create_server_alert(
           @server_id,
           'slow_query',
           CASE WHEN a.max_ms >= 10 * @threshold_ms THEN 'critical' ELSE 'warning' END,
           pgperf.query_text_summary(a.sample, 80),
           format('%s ran at or over %s ms (latest batch: %s execution(s), slowest %s ms; query hash %s).',
                  pgperf.query_text_summary(a.sample, 200), @threshold_ms, a.n, round(a.max_ms::numeric, 1), a.query_hash),
           jsonb_build_object('query_hash', a.query_hash, 'threshold_ms', @threshold_ms, 'max_duration_ms', a.max_ms,
                              'endpoint', a.endpoint, 'query_text', left(a.sample, 1000)),
           'slow_query:' || a.query_hash,
           a.n,
           a.first_seen) AS id,
       a.last_seen
  FROM unnest(@hashes::text[], @counts::bigint[], @first::timestamptz[], @last::timestamptz[],
              @max::float8[], @samples::text[], @endpoints::text[])
       AS a (query_hash, n, first_seen, last_seen, max_ms, sample, endpoint)
