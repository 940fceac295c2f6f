-- Opens or updates one slow_query alert per query hash per hour. Arrays hold one element per (hash, hour)
-- group of the rows just written; p_seen_at is the group's first execution, last_seen_at is fixed up after.
SELECT pgperf.create_performance_alert(
           'slow_query',
           CASE WHEN a.max_ms >= 10 * @threshold_ms THEN 'critical' ELSE 'warning' END,
           a.query_hash,
           format('Query %s ran at or over %s ms in the hour from %s UTC (latest batch: %s, slowest %s ms): %s',
                  a.query_hash, @threshold_ms, to_char(a.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00'),
                  a.n, round(a.max_ms::numeric, 1), left(a.sample, 200)),
           jsonb_build_object('query_hash', a.query_hash, 'hour', a.hour, 'threshold_ms', @threshold_ms,
                              'max_duration_ms', a.max_ms, 'endpoint', a.endpoint, 'query_text', left(a.sample, 1000)),
           'slow_query:' || a.query_hash || ':' || to_char(a.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24'),
           a.n,
           a.first_seen) AS id,
       a.last_seen
  FROM unnest(@hashes::text[], @hours::timestamptz[], @counts::bigint[], @first::timestamptz[], @last::timestamptz[],
              @max::float8[], @samples::text[], @endpoints::text[])
       AS a (query_hash, hour, n, first_seen, last_seen, max_ms, sample, endpoint)
