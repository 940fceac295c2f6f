-- PgPerf schema, version 1: the schema, its migration log, the four tables of the spec and the
-- alert upsert every alert source goes through. Later migrations add each area's columns and functions.

CREATE SCHEMA IF NOT EXISTS pgperf;
COMMENT ON SCHEMA pgperf IS 'PgPerf: query, index and bloat monitoring';

CREATE TABLE IF NOT EXISTS pgperf.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
);

-- One row per logged execution (spec: query_performance_logs).
CREATE TABLE pgperf.query_performance_logs (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    logged_at   timestamptz NOT NULL DEFAULT now(),
    query_text  text NOT NULL,
    duration_ms double precision NOT NULL,
    endpoint    text,
    user_id     text,
    parameters  jsonb
);

-- Hourly counters per index (spec: index_usage_snapshots).
CREATE TABLE pgperf.index_usage_snapshots (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    captured_at      timestamptz NOT NULL DEFAULT now(),
    schemaname       text NOT NULL,
    tablename        text NOT NULL,
    indexname        text NOT NULL,
    idx_scan         bigint NOT NULL,
    idx_tup_read     bigint NOT NULL,
    idx_tup_fetch    bigint NOT NULL,
    index_size_bytes bigint NOT NULL
);

-- Daily per-table bloat (spec: table_bloat_snapshots).
CREATE TABLE pgperf.table_bloat_snapshots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    captured_at timestamptz NOT NULL DEFAULT now(),
    schemaname  text NOT NULL,
    tablename   text NOT NULL,
    table_bytes bigint NOT NULL,
    bloat_bytes bigint NOT NULL,
    bloat_ratio double precision NOT NULL,
    live_tuples bigint,
    dead_tuples bigint
);

-- Alerts (spec: performance_alerts). One open row per dedup_key; repeats bump the count.
CREATE TABLE pgperf.performance_alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_type    text NOT NULL,
    severity      text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    subject       text NOT NULL,
    message       text NOT NULL,
    details       jsonb NOT NULL DEFAULT '{}'::jsonb,
    dedup_key     text NOT NULL,
    occurrences   bigint NOT NULL DEFAULT 1 CHECK (occurrences > 0),
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    resolved_at   timestamptz,
    resolved_by   text
);
CREATE UNIQUE INDEX performance_alerts_open_key ON pgperf.performance_alerts (dedup_key) WHERE resolved_at IS NULL;
CREATE INDEX performance_alerts_last_seen ON pgperf.performance_alerts (last_seen_at);

-- Opens an alert, or updates the open one with the same dedup key (count, last seen, latest text).
-- Returns the alert id. The dedup key defaults to type:subject.
CREATE FUNCTION pgperf.create_performance_alert(
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
        (alert_type, severity, subject, message, details, dedup_key, occurrences, first_seen_at, last_seen_at)
    VALUES (p_alert_type, p_severity, p_subject, p_message, coalesce(p_details, '{}'::jsonb),
            coalesce(p_dedup_key, p_alert_type || ':' || p_subject), greatest(p_occurrences, 1), p_seen_at, p_seen_at)
    ON CONFLICT (dedup_key) WHERE resolved_at IS NULL DO UPDATE
        SET occurrences  = a.occurrences + greatest(excluded.occurrences, 1),
            last_seen_at = greatest(a.last_seen_at, excluded.last_seen_at),
            first_seen_at = least(a.first_seen_at, excluded.first_seen_at),
            severity     = excluded.severity,
            message      = excluded.message,
            details      = excluded.details
    RETURNING id
$$;

-- Resolves open alerts of one type whose dedup key is not in p_still_open (the sources call this
-- after each check, so an alert closes by itself once its cause is gone). Returns how many it resolved.
CREATE FUNCTION pgperf.resolve_stale_alerts(p_alert_type text, p_still_open text[], p_resolved_by text DEFAULT 'auto')
RETURNS integer
LANGUAGE sql
AS $$
    WITH resolved AS (
        UPDATE pgperf.performance_alerts
           SET resolved_at = now(), resolved_by = p_resolved_by
         WHERE resolved_at IS NULL
           AND alert_type = p_alert_type
           AND dedup_key <> ALL (coalesce(p_still_open, '{}'::text[]))
        RETURNING 1)
    SELECT count(*)::integer FROM resolved
$$;
