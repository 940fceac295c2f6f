-- PgPerf schema, version 11 (issue 9): slow executions kept in their own table, in time order; rollups over all
-- queries for reports that do not group by query, and aligned blocks of per-query rollups for long windows.
--
-- Slow executions.
-- Slow rows are about 1 % of the log and scattered through it, so "slow queries in the last 24 h" read one heap page
-- per row from the daily partitions (3,500 pages for a day of a 10 M-row log). Here they sit together, and the
-- report reads a few dozen pages. The log's statement triggers keep the copy in step with inserts, updates, deletes
-- and TRUNCATE; retention removes a dropped day's rows with the partition.

CREATE TABLE pgperf.query_log_slow (
    logged_at       timestamptz NOT NULL,
    id              bigint NOT NULL,
    duration_ms     double precision NOT NULL,
    query_text      text NOT NULL,
    query_hash      text,
    endpoint        text,
    user_id         text,
    parameters      jsonb,
    is_error        boolean NOT NULL,
    query_truncated boolean NOT NULL,
    CONSTRAINT query_log_slow_pkey PRIMARY KEY (logged_at, id)
);
COMMENT ON TABLE pgperf.query_log_slow IS
    'Copy of the query_performance_logs rows at or over 500 ms (the slow threshold), kept by the log''s triggers; Get-PgSlowQuery reads it';

INSERT INTO pgperf.query_log_slow
SELECT logged_at, id, duration_ms, query_text, query_hash, endpoint, user_id, parameters, is_error, query_truncated
  FROM pgperf.query_performance_logs
 WHERE duration_ms >= 500
 ORDER BY logged_at, id;

-- Rollups over all queries, one row per hour and per UTC day, built by the hourly job next to the per-query rows
-- of 008: Get-PgQueryStat without -GroupBy merges one digest per day instead of one per query and day.
CREATE TABLE pgperf.query_log_hourly_all (
    hour        timestamptz PRIMARY KEY,
    total       bigint NOT NULL,
    errors      bigint NOT NULL,
    slow        bigint NOT NULL,
    sum_ms      double precision NOT NULL,
    min_ms      double precision NOT NULL,
    max_ms      double precision NOT NULL,
    digest      bytea NOT NULL
);
CREATE TABLE pgperf.query_log_daily_all (
    day         timestamptz PRIMARY KEY,
    total       bigint NOT NULL,
    errors      bigint NOT NULL,
    slow        bigint NOT NULL,
    sum_ms      double precision NOT NULL,
    min_ms      double precision NOT NULL,
    max_ms      double precision NOT NULL,
    digest      bytea NOT NULL
);
-- Aligned blocks of the per-query rollups: 2, 4 and 8 hours within a UTC day (hours = 2, 4, 8), and 2, 4, 8 and
-- 16 days counted from 2000-01-01 (hours = 48 ... 384). A long window grouped by query merges a few blocks per query
-- instead of a row per query for every day and hour.
CREATE TABLE pgperf.query_log_blocks (
    start       timestamptz NOT NULL,
    hours       integer NOT NULL,
    query_hash  text NOT NULL,
    total       bigint NOT NULL,
    errors      bigint NOT NULL,
    slow        bigint NOT NULL,
    sum_ms      double precision NOT NULL,
    min_ms      double precision NOT NULL,
    max_ms      double precision NOT NULL,
    digest      bytea NOT NULL,
    PRIMARY KEY (start, hours, query_hash)
);

-- Hours rolled up before this migration have no rows here yet: marked, they are read raw until the next hourly
-- job rebuilds them together with these new rows.
INSERT INTO pgperf.query_log_dirty_hours (hour) SELECT DISTINCT hour FROM pgperf.query_log_hourly ON CONFLICT DO NOTHING;

-- The rollup trigger of 008 (owner's rights since 010), now also keeping query_log_slow in step.
CREATE OR REPLACE FUNCTION pgperf.query_log_mark_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- date_bin, not date_trunc: hours in UTC whatever the session's TimeZone.
        INSERT INTO pgperf.query_log_dirty_hours (hour)
        SELECT DISTINCT date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM old_rows
        ON CONFLICT DO NOTHING;
        DELETE FROM pgperf.query_log_slow s
         USING old_rows o
         WHERE o.duration_ms >= 500 AND s.logged_at = o.logged_at AND s.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO pgperf.query_log_dirty_hours (hour)
        SELECT DISTINCT date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM new_rows
        ON CONFLICT DO NOTHING;
        INSERT INTO pgperf.query_log_slow
        SELECT logged_at, id, duration_ms, query_text, query_hash, endpoint, user_id, parameters, is_error, query_truncated
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

-- Spec: get_slow_queries(hours_back, min_duration_ms), slowest first. At or over 500 ms it reads query_log_slow;
-- below, the log itself. The branch not taken is cut when the plan starts (the conditions only use the arguments).
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
           AND s.logged_at >= now() - make_interval(hours => hours_back)
           AND s.duration_ms >= min_duration_ms
           AND hours_back > 0
        UNION ALL
        SELECT l.id, l.logged_at, l.query_text, l.query_hash, l.duration_ms, l.endpoint, l.user_id, l.parameters,
               l.is_error, l.query_truncated
          FROM pgperf.query_performance_logs l
         WHERE min_duration_ms < 500
           AND l.logged_at >= now() - make_interval(hours => hours_back)
           AND l.duration_ms >= min_duration_ms
           AND hours_back > 0
    ) r
    ORDER BY r.duration_ms DESC, r.logged_at DESC, r.id DESC
$$;

-- Drops one expired daily partition and returns how many rows it held. Refuses anything that is not a daily
-- partition of the query log, so the owner's rights cannot be turned against another table. A large partition
-- is not counted row by row (that was most of the drop's time): its statistics give the number.
CREATE OR REPLACE FUNCTION pgperf.drop_query_log_partition(p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    part      regclass;
    day       date;
    rows_held bigint;
BEGIN
    IF p_name IS NULL OR p_name !~ '^query_performance_logs_p[0-9]{8}$' THEN
        RAISE EXCEPTION 'pgperf.drop_query_log_partition: % is not a daily query-log partition name', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    part := to_regclass(format('pgperf.%I', p_name));
    IF part IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits
                    WHERE inhrelid = part AND inhparent = 'pgperf.query_performance_logs'::regclass) THEN
        RAISE EXCEPTION 'pgperf.drop_query_log_partition: % is not attached to pgperf.query_performance_logs', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Up to 1,000 pages (8 MB) counting is quick and exact; beyond, the row estimate of the last VACUUM or ANALYZE.
    SELECT CASE WHEN c.relpages > 1000 AND c.reltuples >= 0 THEN c.reltuples::bigint END
      INTO rows_held
      FROM pg_class c WHERE c.oid = part;
    IF rows_held IS NULL THEN
        EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    END IF;
    day := to_date(substr(p_name, length('query_performance_logs_p') + 1), 'YYYYMMDD');
    DELETE FROM pgperf.query_log_slow
     WHERE logged_at >= (day::timestamp AT TIME ZONE 'UTC') AND logged_at < ((day + 1)::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('DROP TABLE %s', part);
    RETURN rows_held;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON pgperf.query_log_slow, pgperf.query_log_hourly_all, pgperf.query_log_daily_all, pgperf.query_log_blocks
            TO pgperf_monitor;
    END IF;
END
$$;
