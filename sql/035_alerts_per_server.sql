-- PgPerf schema, version 35 (issue 17): alerts per registered server.
--
-- A central repository's jobs raise alerts for each registered server from what they read of it (failed steps,
-- health findings), so performance_alerts carries server_id like every other per-server table: 0 is this database's
-- own jobs (the registry row of 022), which is what every existing row and every existing caller is. The key rules:
--   primary key    (server_id, id), server_id first, so the repository can be distributed by server_id (docs/scale.md);
--   open-alert key one open alert per (server_id, dedup_key): the same condition on two servers is two alerts;
--   registry       server_id references monitored_servers ON DELETE CASCADE (as 030): a removed server's alerts go
--                  with it, without remove_monitored_server() naming this table.
-- The writers take the server: create_server_alert() and resolve_stale_server_alerts() hold the upsert and the
-- auto-resolve rule once; create_performance_alert() and resolve_stale_alerts() (the spec's psql entry points, used by
-- check_table_bloat_alerts() and the query-log writer) keep their signatures and act on server 0 through them.

ALTER TABLE pgperf.performance_alerts ADD COLUMN server_id integer NOT NULL DEFAULT 0
    REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE;
COMMENT ON COLUMN pgperf.performance_alerts.server_id IS 'PgPerf: the server the alert is about (0 = this database itself; monitored_servers)';

ALTER TABLE pgperf.performance_alerts DROP CONSTRAINT performance_alerts_pkey;
ALTER TABLE pgperf.performance_alerts ADD CONSTRAINT performance_alerts_pkey PRIMARY KEY (server_id, id);
-- Resolve-PgPerfAlert and retention find an alert by its id alone.
CREATE INDEX performance_alerts_id ON pgperf.performance_alerts (id);

DROP INDEX pgperf.performance_alerts_open_key;
CREATE UNIQUE INDEX performance_alerts_open_key ON pgperf.performance_alerts (server_id, dedup_key) WHERE resolved_at IS NULL;

-- Opens an alert of server p_server_id, or updates its open one with the same dedup key (count, last seen, latest
-- text). Returns the alert id. The dedup key defaults to type:subject.
CREATE FUNCTION pgperf.create_server_alert(
    p_server_id   integer,
    p_alert_type  text,
    p_severity    text,
    p_subject     text,
    p_message     text,
    p_details     jsonb DEFAULT '{}'::jsonb,
    p_dedup_key   text DEFAULT NULL,
    p_occurrences bigint DEFAULT 1,
    p_seen_at     timestamptz DEFAULT now()
) RETURNS bigint
LANGUAGE sql
AS $$
    INSERT INTO pgperf.performance_alerts AS a
        (server_id, alert_type, severity, subject, message, details, dedup_key, occurrences, first_seen_at, last_seen_at)
    VALUES (p_server_id, p_alert_type, p_severity, p_subject, p_message, coalesce(p_details, '{}'::jsonb),
            coalesce(p_dedup_key, p_alert_type || ':' || p_subject), greatest(p_occurrences, 1), p_seen_at, p_seen_at)
    ON CONFLICT (server_id, dedup_key) WHERE resolved_at IS NULL DO UPDATE
        SET occurrences  = a.occurrences + greatest(excluded.occurrences, 1),
            last_seen_at = greatest(a.last_seen_at, excluded.last_seen_at),
            first_seen_at = least(a.first_seen_at, excluded.first_seen_at),
            severity     = excluded.severity,
            message      = excluded.message,
            details      = excluded.details
    RETURNING id
$$;
COMMENT ON FUNCTION pgperf.create_server_alert(integer, text, text, text, text, jsonb, text, bigint, timestamptz) IS
    'PgPerf: opens an alert of a server, or updates its open alert with the same dedup key; returns the alert id';

-- The spec's function: an alert of this database itself (server 0).
CREATE OR REPLACE FUNCTION pgperf.create_performance_alert(
    p_alert_type  text,
    p_severity    text,
    p_subject     text,
    p_message     text,
    p_details     jsonb DEFAULT '{}'::jsonb,
    p_dedup_key   text DEFAULT NULL,
    p_occurrences bigint DEFAULT 1,
    p_seen_at     timestamptz DEFAULT now()
) RETURNS bigint
LANGUAGE sql
AS $$
    SELECT pgperf.create_server_alert(0, p_alert_type, p_severity, p_subject, p_message, p_details, p_dedup_key, p_occurrences, p_seen_at)
$$;

-- Resolves the open alerts of one type of server p_server_id whose dedup key is not in p_still_open (a source calls
-- this after each check of that server, so an alert closes by itself once its cause is gone). Returns how many.
CREATE FUNCTION pgperf.resolve_stale_server_alerts(p_server_id integer, p_alert_type text, p_still_open text[],
                                                   p_resolved_by text DEFAULT 'auto')
RETURNS integer
LANGUAGE sql
AS $$
    WITH resolved AS (
        UPDATE pgperf.performance_alerts
           SET resolved_at = now(), resolved_by = p_resolved_by
         WHERE server_id = p_server_id
           AND resolved_at IS NULL
           AND alert_type = p_alert_type
           AND dedup_key <> ALL (coalesce(p_still_open, '{}'::text[]))
        RETURNING 1)
    SELECT count(*)::integer FROM resolved
$$;

-- This database's own checks resolve only their own alerts, never a registered server's.
CREATE OR REPLACE FUNCTION pgperf.resolve_stale_alerts(p_alert_type text, p_still_open text[], p_resolved_by text DEFAULT 'auto')
RETURNS integer
LANGUAGE sql
AS $$
    SELECT pgperf.resolve_stale_server_alerts(0, p_alert_type, p_still_open, p_resolved_by)
$$;

-- Resolve-PgPerfAlert on a server's alert: resolves alert p_id if it is server p_server_id's and returns it; an alert
-- that is already resolved is returned unchanged; an unknown id, or another server's, returns no row.
CREATE FUNCTION pgperf.resolve_server_alert(p_server_id integer, p_id bigint, p_resolved_by text)
RETURNS SETOF pgperf.performance_alerts
LANGUAGE sql
AS $$
    WITH resolved AS (
        UPDATE pgperf.performance_alerts
           SET resolved_at = now(), resolved_by = coalesce(p_resolved_by, current_user)
         WHERE server_id = p_server_id AND id = p_id AND resolved_at IS NULL
        RETURNING *)
    SELECT * FROM resolved
    UNION ALL
    SELECT * FROM pgperf.performance_alerts
     WHERE server_id = p_server_id AND id = p_id AND resolved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resolved)
$$;

-- The query-log writer's slow_query upsert (create_performance_alert, with 009's policy keeping it to that type) now
-- inserts server_id and names it in its conflict target: it needs the column's INSERT and SELECT.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_writer') THEN
        GRANT SELECT (server_id), INSERT (server_id) ON pgperf.performance_alerts TO pgperf_writer;
    END IF;
END
$$;
