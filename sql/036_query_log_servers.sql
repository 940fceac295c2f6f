-- PgPerf schema, version 36 (issue 17): the application's query log per registered server.
--
-- Send-PgQueryLog -Repository <repository> -Server <name> writes an application's executions into a central
-- repository as that registered server; Get-PgSlowQuery and Get-PgQueryStat -Repository read them back per server.
-- As the statement tables (023), every query-log table gets server_id (0 = this database itself, so every row logged
-- before this migration is server 0's), first in every key: a server's rows sit together, and the keys hold on a
-- repository distributed by server_id (docs/scale.md).
--
-- Fast on a large log: a column with a constant default is a catalog change (no rewrite, no scan). Only the keys are
-- rebuilt: the log's primary key (one index build per day partition; docs/benchmarks.md has the time for 10 M rows)
-- and those of the small slow copy and rollup tables.
--
-- No foreign key to monitored_servers on the log: a check per COPY'd row would cost the ingest path, and only the
-- module writes server ids other than 0, each one looked up in the registry first. Removing a registered server
-- removes its query log (the trigger on monitored_servers below), as remove_monitored_server does its snapshots.

ALTER TABLE pgperf.query_performance_logs   ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_slow           ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_hourly         ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_daily          ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_hourly_all     ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_daily_all      ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_blocks         ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_texts          ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_dirty_hours    ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.query_log_rollup_pending ADD COLUMN server_id integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN pgperf.query_performance_logs.server_id IS
    'The registered server (pgperf.monitored_servers) the application that logged the row runs against; 0 = this database itself';

-- server_id first in every key. The log's key stays (.., logged_at, id): a key of a partitioned table includes the
-- partition column, and a server's time range is one index range.
ALTER TABLE pgperf.query_performance_logs
    DROP CONSTRAINT query_performance_logs_pkey,
    ADD CONSTRAINT query_performance_logs_pkey PRIMARY KEY (server_id, logged_at, id);
ALTER TABLE pgperf.query_log_slow
    DROP CONSTRAINT query_log_slow_pkey,
    ADD CONSTRAINT query_log_slow_pkey PRIMARY KEY (server_id, logged_at, id);
-- Retention and partition drops remove a day of slow copies of every server at once.
CREATE INDEX query_log_slow_logged_at ON pgperf.query_log_slow (logged_at);
ALTER TABLE pgperf.query_log_hourly         DROP CONSTRAINT query_log_hourly_pkey,         ADD PRIMARY KEY (server_id, hour, query_hash);
ALTER TABLE pgperf.query_log_daily          DROP CONSTRAINT query_log_daily_pkey,          ADD PRIMARY KEY (server_id, day, query_hash);
ALTER TABLE pgperf.query_log_hourly_all     DROP CONSTRAINT query_log_hourly_all_pkey,     ADD PRIMARY KEY (server_id, hour);
ALTER TABLE pgperf.query_log_daily_all      DROP CONSTRAINT query_log_daily_all_pkey,      ADD PRIMARY KEY (server_id, day);
ALTER TABLE pgperf.query_log_blocks         DROP CONSTRAINT query_log_blocks_pkey,         ADD PRIMARY KEY (server_id, start, hours, query_hash);
-- A sample text per server: a hash names the same normalized statement everywhere, but a sample is one execution's
-- text with its literals, which must not show in another server's report.
ALTER TABLE pgperf.query_log_texts          DROP CONSTRAINT query_log_texts_pkey,          ADD PRIMARY KEY (server_id, query_hash);
ALTER TABLE pgperf.query_log_dirty_hours    DROP CONSTRAINT query_log_dirty_hours_pkey,    ADD PRIMARY KEY (server_id, hour);
ALTER TABLE pgperf.query_log_rollup_pending DROP CONSTRAINT query_log_rollup_pending_pkey, ADD PRIMARY KEY (server_id, hour);

-- The log's statement triggers (008, 011): marks and slow copies carry the rows' server.
CREATE OR REPLACE FUNCTION pgperf.query_log_mark_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- date_bin, not date_trunc: hours in UTC whatever the session's TimeZone.
        INSERT INTO pgperf.query_log_dirty_hours (server_id, hour)
        SELECT DISTINCT server_id, date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM old_rows
        ON CONFLICT DO NOTHING;
        DELETE FROM pgperf.query_log_slow s
         USING old_rows o
         WHERE o.duration_ms >= 500 AND s.server_id = o.server_id AND s.logged_at = o.logged_at AND s.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO pgperf.query_log_dirty_hours (server_id, hour)
        SELECT DISTINCT server_id, date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM new_rows
        ON CONFLICT DO NOTHING;
        INSERT INTO pgperf.query_log_slow (server_id, logged_at, id, duration_ms, query_text, query_hash, endpoint, user_id,
                                           parameters, is_error, query_truncated)
        SELECT server_id, logged_at, id, duration_ms, query_text, query_hash, endpoint, user_id, parameters, is_error, query_truncated
          FROM new_rows
         WHERE duration_ms >= 500;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM pgperf.query_log_hourly;
        DELETE FROM pgperf.query_log_daily;
        DELETE FROM pgperf.query_log_hourly_all;
        DELETE FROM pgperf.query_log_daily_all;
        DELETE FROM pgperf.query_log_blocks;
        DELETE FROM pgperf.query_log_dirty_hours;
        DELETE FROM pgperf.query_log_rollup_pending;
        TRUNCATE pgperf.query_log_slow;
    END IF;
    RETURN NULL;
END
$$;

-- Spec: get_slow_queries(hours_back, min_duration_ms) answers for this database's own application (server 0).
CREATE OR REPLACE FUNCTION pgperf.get_slow_queries(hours_back integer DEFAULT 24, min_duration_ms double precision DEFAULT 500)
RETURNS TABLE (
    id              bigint,
    logged_at       timestamptz,
    query_text      text,
    query_hash      text,
    duration_ms     double precision,
    endpoint        text,
    user_id         text,
    parameters      jsonb,
    is_error        boolean,
    query_truncated boolean
)
LANGUAGE sql STABLE
AS $$
    SELECT * FROM (
        SELECT s.id, s.logged_at, s.query_text, s.query_hash, s.duration_ms, s.endpoint, s.user_id, s.parameters,
               s.is_error, s.query_truncated
          FROM pgperf.query_log_slow s
         WHERE min_duration_ms >= 500
           AND s.server_id = 0
           AND s.logged_at >= now() - make_interval(hours => hours_back)
           AND s.duration_ms >= min_duration_ms
           AND hours_back > 0
        UNION ALL
        SELECT l.id, l.logged_at, l.query_text, l.query_hash, l.duration_ms, l.endpoint, l.user_id, l.parameters,
               l.is_error, l.query_truncated
          FROM pgperf.query_performance_logs l
         WHERE min_duration_ms < 500
           AND l.server_id = 0
           AND l.logged_at >= now() - make_interval(hours => hours_back)
           AND l.duration_ms >= min_duration_ms
           AND hours_back > 0
    ) r
    ORDER BY r.duration_ms DESC, r.logged_at DESC, r.id DESC
$$;

-- Removing a registered server removes its query log with it (its rollups follow its rows).
CREATE FUNCTION pgperf.query_log_remove_server()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
BEGIN
    DELETE FROM pgperf.query_performance_logs WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_slow WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_hourly WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_daily WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_hourly_all WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_daily_all WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_blocks WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_texts WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_dirty_hours WHERE server_id = OLD.server_id;
    DELETE FROM pgperf.query_log_rollup_pending WHERE server_id = OLD.server_id;
    RETURN OLD;
END
$$;
REVOKE EXECUTE ON FUNCTION pgperf.query_log_remove_server() FROM PUBLIC;
CREATE TRIGGER query_log_remove_server BEFORE DELETE ON pgperf.monitored_servers
    FOR EACH ROW EXECUTE FUNCTION pgperf.query_log_remove_server();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_writer') THEN
        -- The replay's duplicate check looks up (server_id, logged_at, record_id).
        GRANT SELECT (server_id) ON pgperf.query_performance_logs TO pgperf_writer;
    END IF;
END
$$;
