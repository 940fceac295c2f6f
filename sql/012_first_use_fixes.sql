-- PgPerf schema, version 12 (issue 20): what a new user tripped on.
--
-- 1. Durations have a maximum: 24 hours (86,400,000 ms), the limit Send-PgQueryLog enforces
--    (QueryLogRules.MaxDurationMs). A larger value is a unit mistake, and one such row (1e300 ms) made avg() overflow
--    ("22003: value out of range: overflow") in every hourly job until retention removed it. The CHECK also holds
--    for writers that bypass the module (psql, pg_cron, other clients), so every aggregate over the log (avg's sum
--    of squares, the rollups' sums, the digests) stays far from overflowing. Rows stored before this migration
--    above the limit are lowered to it first, so the constraint can be added on any database; the update goes
--    through the log's triggers, so the hours holding them are marked for the rollups to rebuild and
--    query_log_slow follows. On a partitioned log the constraint is added to every partition (and new daily
--    partitions copy it, see ensure_query_log_partitions).

-- PostgreSQL 13 has no date_bin (built in from 14), which the log's rollup trigger (008, 011) calls. This migration
-- updates logged rows, which fires that trigger, so the stand-in must exist first; 018 explains it.
DO $$
BEGIN
    IF current_setting('server_version_num')::integer < 140000 THEN
        CREATE FUNCTION pgperf.date_bin(stride interval, source timestamptz, origin timestamptz)
        RETURNS timestamptz
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $body$
            SELECT to_timestamp(extract(epoch FROM origin)
                + floor((extract(epoch FROM source) - extract(epoch FROM origin)) / extract(epoch FROM stride))
                  * extract(epoch FROM stride))
        $body$;
        COMMENT ON FUNCTION pgperf.date_bin(interval, timestamptz, timestamptz) IS
            'date_bin for PostgreSQL 13 (built in from 14), for strides without months or years.';
    END IF;
END
$$;
UPDATE pgperf.query_performance_logs SET duration_ms = 86400000 WHERE duration_ms > 86400000;
ALTER TABLE pgperf.query_performance_logs
    ADD CONSTRAINT query_performance_logs_duration_max CHECK (duration_ms <= 86400000);
COMMENT ON CONSTRAINT query_performance_logs_duration_max ON pgperf.query_performance_logs IS
    'Durations are at most 24 hours (86,400,000 ms); larger values are unit mistakes (Send-PgQueryLog rejects them with PgPerf.Query.InvalidDuration)';

-- 2. Query text for alert subjects and messages: whitespace folded to single spaces and cut to p_max_length
--    characters (the last one an ellipsis when cut), so a subject fits one line.
CREATE FUNCTION pgperf.query_text_summary(p_text text, p_max_length integer DEFAULT 80)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN length(t) <= greatest(p_max_length, 2) THEN t
                ELSE rtrim(left(t, greatest(p_max_length, 2) - 1)) || '…' END
      FROM (SELECT btrim(regexp_replace(coalesce(p_text, ''), '\s+', ' ', 'g')) AS t) s
$$;
COMMENT ON FUNCTION pgperf.query_text_summary(text, integer) IS
    'The query text on one line (whitespace folded), cut to p_max_length characters with an ellipsis';

-- 3. slow_query alerts are now one per query hash while it stays slow (dedup key slow_query:<hash>; see
--    sql/queries/query_slow_alerts.sql), resolved by the hourly job after a quiet hour. The open alerts of the old
--    scheme (one per hash per hour, key slow_query:<hash>:<hour>) are closed here; the next slow execution of
--    each query opens its single alert.
UPDATE pgperf.performance_alerts
   SET resolved_at = now(), resolved_by = 'pgperf migration 012'
 WHERE alert_type = 'slow_query' AND resolved_at IS NULL
   AND dedup_key ~ '^slow_query:.*:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}$';

-- 4. high_bloat alerts: the message said "Estimate estimate, High confidence"; it now names how the figure was
--    obtained ("catalog estimate, high confidence"). PgPerf's own schema is left out: its tables are the
--    monitor's, not the application's (Get-PgTableBloat -IncludePgPerf shows them).
CREATE OR REPLACE FUNCTION pgperf.check_table_bloat_alerts(p_threshold double precision DEFAULT 20,
                                                           p_min_wasted_bytes bigint DEFAULT 1048576)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_keys text[];
BEGIN
    WITH latest AS (
        SELECT s.*, quote_ident(s.schemaname) || '.' || quote_ident(s.tablename) AS subject
        FROM pgperf.table_bloat_snapshots s
        WHERE s.captured_at = (SELECT max(captured_at) FROM pgperf.table_bloat_snapshots)
          AND s.table_kind <> 'PartitionedTable'
          AND s.schemaname <> 'pgperf'
          AND s.bloat_ratio > p_threshold
          AND s.bloat_bytes >= p_min_wasted_bytes
    ), raised AS (
        SELECT pgperf.create_performance_alert(
                   'high_bloat',
                   CASE WHEN l.bloat_ratio > 50 THEN 'critical' ELSE 'warning' END,
                   l.subject,
                   format('Table %s is %s%% bloated (%s reclaimable of %s; %s, %s confidence); consider VACUUM FULL or pg_repack in a maintenance window.',
                          l.subject, round(l.bloat_ratio::numeric, 1), pg_size_pretty(l.bloat_bytes), pg_size_pretty(l.table_bytes),
                          CASE l.method WHEN 'Estimate' THEN 'catalog estimate'
                                        WHEN 'Approx' THEN 'measured with pgstattuple_approx'
                                        WHEN 'Exact' THEN 'measured with pgstattuple'
                                        ELSE l.method END,
                          lower(l.confidence)),
                   jsonb_build_object('schemaname', l.schemaname, 'tablename', l.tablename, 'bloat_ratio', l.bloat_ratio,
                                      'bloat_bytes', l.bloat_bytes, 'table_bytes', l.table_bytes, 'dead_tuples', l.dead_tuples,
                                      'method', l.method, 'confidence', l.confidence, 'flags', to_jsonb(l.flags),
                                      'captured_at', l.captured_at, 'threshold', p_threshold),
                   'high_bloat:' || l.subject,
                   1,
                   l.captured_at) AS id,
               'high_bloat:' || l.subject AS dedup_key
        FROM latest l
    )
    SELECT coalesce(array_agg(dedup_key), '{}') INTO v_keys FROM raised;
    PERFORM pgperf.resolve_stale_alerts('high_bloat', v_keys);
    RETURN coalesce(array_length(v_keys, 1), 0);
END
$$;
