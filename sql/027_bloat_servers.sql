-- PgPerf schema, version 27: table bloat snapshots per server, so a central repository stores many (issue 17).
--
-- As 023 and 026 did: table_bloat_snapshots gets server_id (0 = this database), first in its keys, and the capture is
-- split in two:
--   read    table_bloat_reading_sql(): the estimate of 004 run on the monitored server as any pg_monitor login. Its
--           text is table_bloat_estimate()'s own body (read from the catalog), so the rule lives once;
--   ingest  ingest_table_bloat_snapshot(server_id, readings): the rows read, stored as that server.
-- capture_table_bloat_snapshot() and check_table_bloat_alerts() (psql, pg_cron, the local jobs) keep to server 0.
-- Health checks (Invoke-PgHealthCheck) and index bloat (Get-PgIndexBloat) store nothing, so nothing of theirs is here.

ALTER TABLE pgperf.table_bloat_snapshots ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.table_bloat_snapshots DROP CONSTRAINT table_bloat_snapshots_pkey,
    ADD CONSTRAINT table_bloat_snapshots_pkey PRIMARY KEY (server_id, id);
DROP INDEX pgperf.table_bloat_snapshots_captured;
CREATE INDEX table_bloat_snapshots_captured ON pgperf.table_bloat_snapshots (server_id, captured_at);
DROP INDEX pgperf.table_bloat_snapshots_table;
CREATE INDEX table_bloat_snapshots_table ON pgperf.table_bloat_snapshots (server_id, schemaname, tablename, captured_at);
-- retention deletes by age across servers
CREATE INDEX table_bloat_snapshots_age ON pgperf.table_bloat_snapshots (captured_at);

-- What a snapshot of a monitored server runs there: table_bloat_estimate()'s rows as one jsonb array. Through a
-- pg_monitor login, pg_stats shows only the columns the login may read, so most tables come out flagged
-- NoStatsAccess with Low confidence (their figure is the dead-row share): docs/security.md says what to grant.
CREATE FUNCTION pgperf.table_bloat_reading_sql()
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('SELECT coalesce(jsonb_agg(e), ''[]''::jsonb) FROM (%s) e', p.prosrc)
      FROM pg_proc p
     WHERE p.oid = 'pgperf.table_bloat_estimate()'::regprocedure
$$;

-- The rows read on a server (table_bloat_estimate()'s columns, as jsonb), stored as one snapshot of that server.
-- Returns the rows written and the time they are stamped with.
CREATE FUNCTION pgperf.ingest_table_bloat_snapshot(p_server_id integer, p_readings jsonb)
RETURNS TABLE (rows_written integer, captured_at timestamptz)
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pgperf.monitored_servers s WHERE s.server_id = p_server_id) THEN
        RAISE EXCEPTION 'pgperf.ingest_table_bloat_snapshot: server % is not registered in pgperf.monitored_servers', p_server_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    INSERT INTO pgperf.table_bloat_snapshots
        (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, live_tuples, dead_tuples,
         method, confidence, flags, table_kind)
    SELECT p_server_id, now(), e.schemaname, e.tablename, e.table_bytes, e.bloat_bytes, e.bloat_ratio, e.live_tuples, e.dead_tuples,
           'Estimate', e.confidence, e.flags, e.kind
      FROM jsonb_to_recordset(coalesce(p_readings, '[]'::jsonb)) AS e(
               schemaname text, tablename text, kind text, table_bytes bigint, bloat_bytes bigint, bloat_ratio double precision,
               live_tuples bigint, dead_tuples bigint, flags text[], confidence text);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT n, now();
END
$$;

-- 012's alert check, on this database's own snapshots (server 0): a repository's other servers raise none here.
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
        WHERE s.server_id = 0
          AND s.captured_at = (SELECT max(m.captured_at) FROM pgperf.table_bloat_snapshots m WHERE m.server_id = 0)
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

-- Removing a server deletes its index usage (026) and bloat history with it, and its statement statistics (023).
CREATE OR REPLACE FUNCTION pgperf.remove_monitored_server(p_server_id integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_server_id = 0 THEN
        RAISE EXCEPTION 'pgperf.remove_monitored_server: server 0 is this database itself and cannot be removed'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pgperf.lock_statement_snapshot(p_server_id);
    PERFORM pgperf.lock_index_usage_snapshot(p_server_id);
    -- the rollup rows are deleted here, so the history's triggers have nothing to recompute
    PERFORM set_config('pgperf.statement_rollup_writer', 'on', true);
    DELETE FROM pgperf.statement_history WHERE server_id = p_server_id;
    PERFORM set_config('pgperf.statement_rollup_writer', '', true);
    DELETE FROM pgperf.statement_daily WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_running WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_last WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_texts WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_snapshots WHERE server_id = p_server_id;
    DELETE FROM pgperf.index_usage_snapshots WHERE server_id = p_server_id;
    DELETE FROM pgperf.table_bloat_snapshots WHERE server_id = p_server_id;
    DELETE FROM pgperf.monitored_servers WHERE server_id = p_server_id;
    RETURN FOUND;
END
$$;
REVOKE EXECUTE ON FUNCTION pgperf.remove_monitored_server(integer) FROM PUBLIC;
