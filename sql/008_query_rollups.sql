-- PgPerf schema, version 8: hourly and daily rollups of the query log per query hash (issue 9).
-- Get-PgQueryStat reads whole hours and days from here and only a window's partial edges (and hours not yet
-- rolled up) from the raw log. The rollups are built by the hourly job (Invoke-PgHourlyMonitoring, step
-- "query rollups"); a statement trigger marks every hour whose rows change, so late rows, spool replays,
-- psql inserts and deletes are never missed: a marked hour is read raw until the job has rebuilt it.
-- digest is PgPerf's packed, mergeable latency histogram (log buckets 2 % wide, or the exact values when
-- there are few): see QueryDigest.cs. An empty query_hash stands for rows logged without one.

CREATE TABLE pgperf.query_log_hourly (
    hour        timestamptz NOT NULL,
    query_hash  text NOT NULL,
    total       bigint NOT NULL,
    errors      bigint NOT NULL,
    slow        bigint NOT NULL,            -- executions at or over 500 ms
    sum_ms      double precision NOT NULL,
    min_ms      double precision NOT NULL,
    max_ms      double precision NOT NULL,
    digest      bytea NOT NULL,
    PRIMARY KEY (hour, query_hash)
);

CREATE TABLE pgperf.query_log_daily (
    day         timestamptz NOT NULL,       -- midnight UTC
    query_hash  text NOT NULL,
    total       bigint NOT NULL,
    errors      bigint NOT NULL,
    slow        bigint NOT NULL,
    sum_ms      double precision NOT NULL,
    min_ms      double precision NOT NULL,
    max_ms      double precision NOT NULL,
    digest      bytea NOT NULL,
    PRIMARY KEY (day, query_hash)
);

-- One sample text per query hash, for grouped reports read from rollups.
CREATE TABLE pgperf.query_log_texts (
    query_hash  text PRIMARY KEY,
    query_text  text NOT NULL
);

-- Hours (UTC, start) whose raw rows changed since they were last rolled up.
CREATE TABLE pgperf.query_log_dirty_hours (
    hour        timestamptz PRIMARY KEY
);

-- Hours the hourly job has taken from query_log_dirty_hours and is rebuilding; removed when done, so a job that
-- dies half-way leaves them here for the next run. Readers treat them as dirty too.
CREATE TABLE pgperf.query_log_rollup_pending (
    hour        timestamptz PRIMARY KEY
);

CREATE FUNCTION pgperf.query_log_mark_hours()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pgperf
AS $$
BEGIN
    -- date_bin, not date_trunc: hours in UTC whatever the session's TimeZone.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO pgperf.query_log_dirty_hours (hour)
        SELECT DISTINCT date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM new_rows
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO pgperf.query_log_dirty_hours (hour)
        SELECT DISTINCT date_bin('1 hour', logged_at, timestamptz '2000-01-01 00:00+00') FROM old_rows
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM pgperf.query_log_hourly;
        DELETE FROM pgperf.query_log_daily;
        DELETE FROM pgperf.query_log_dirty_hours;
        DELETE FROM pgperf.query_log_rollup_pending;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER query_log_mark_insert AFTER INSERT ON pgperf.query_performance_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.query_log_mark_hours();
CREATE TRIGGER query_log_mark_update AFTER UPDATE ON pgperf.query_performance_logs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.query_log_mark_hours();
CREATE TRIGGER query_log_mark_delete AFTER DELETE ON pgperf.query_performance_logs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.query_log_mark_hours();
CREATE TRIGGER query_log_mark_truncate AFTER TRUNCATE ON pgperf.query_performance_logs
    FOR EACH STATEMENT EXECUTE FUNCTION pgperf.query_log_mark_hours();

-- Rows logged before this migration are rolled up by the next hourly job; until then they are read raw.
-- date_trunc with the 'UTC' zone, not date_bin: this statement runs while installing, and date_bin does not exist
-- before PostgreSQL 14 (issue 16). On 14+ both give the same UTC hour (VersionCompatibilityTests proves it).
INSERT INTO pgperf.query_log_dirty_hours (hour)
SELECT DISTINCT date_trunc('hour', logged_at, 'UTC') FROM pgperf.query_performance_logs;
