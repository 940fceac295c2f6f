-- High-bloat alerts per registered server (issue 17). The repository's hourly job stores each registered server's
-- table bloat estimates (027) and now judges that server's latest snapshot with the rule check_table_bloat_alerts()
-- applied to this database's own (012, 027), raising and resolving the server's alerts (035). The rule moves into
-- check_server_table_bloat_alerts(server, ...), written once; check_table_bloat_alerts() keeps its signature (psql,
-- pg_cron, the local jobs) and is that rule for server 0.

CREATE FUNCTION pgperf.check_server_table_bloat_alerts(p_server_id integer,
                                                      p_threshold double precision DEFAULT 20,
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
        WHERE s.server_id = p_server_id
          AND s.captured_at = (SELECT max(m.captured_at) FROM pgperf.table_bloat_snapshots m WHERE m.server_id = p_server_id)
          AND s.table_kind <> 'PartitionedTable'
          AND s.schemaname <> 'pgperf'
          AND s.bloat_ratio > p_threshold
          AND s.bloat_bytes >= p_min_wasted_bytes
    ), raised AS (
        SELECT pgperf.create_server_alert(
                   p_server_id,
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
    PERFORM pgperf.resolve_stale_server_alerts(p_server_id, 'high_bloat', v_keys);
    RETURN coalesce(array_length(v_keys, 1), 0);
END
$$;
COMMENT ON FUNCTION pgperf.check_server_table_bloat_alerts(integer, double precision, bigint) IS
    'PgPerf: raises or resolves the high_bloat alerts of a server from its latest table bloat snapshot; returns how many are open';

CREATE OR REPLACE FUNCTION pgperf.check_table_bloat_alerts(p_threshold double precision DEFAULT 20,
                                                           p_min_wasted_bytes bigint DEFAULT 1048576)
RETURNS integer
LANGUAGE sql
AS $$
    SELECT pgperf.check_server_table_bloat_alerts(0, p_threshold, p_min_wasted_bytes)
$$;
