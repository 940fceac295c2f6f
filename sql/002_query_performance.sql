-- PgPerf schema, version 2: query performance logging (issue 3).
-- Completes pgperf.query_performance_logs, adds the indexes the reports use and the spec's
-- get_slow_queries(hours_back, min_duration_ms).

ALTER TABLE pgperf.query_performance_logs
    ADD COLUMN query_hash      text,
    ADD COLUMN is_error        boolean NOT NULL DEFAULT false,
    -- Client-generated id of the record: replaying the local spool skips rows that already landed.
    ADD COLUMN record_id       uuid,
    -- The text was cut to the module's limit (65,536 characters); query_hash is of the full text.
    ADD COLUMN query_truncated boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT query_performance_logs_duration_check CHECK (duration_ms >= 0 AND duration_ms < 'Infinity');

COMMENT ON COLUMN pgperf.query_performance_logs.query_hash IS 'Hash of the normalized query text (literals folded); groups executions of one statement';
COMMENT ON COLUMN pgperf.query_performance_logs.record_id IS 'Client-generated id; spool replay is idempotent on (logged_at, record_id)';

-- logged_at leads the key so the table can later be range-partitioned by day with the same key; the key
-- also serves time-window scans and the replay's duplicate check.
ALTER TABLE pgperf.query_performance_logs ADD CONSTRAINT query_performance_logs_pkey PRIMARY KEY (logged_at, id);

-- Slow rows only (about 1 % of a typical log): "slow queries in the last 24 h" reads a few thousand index
-- entries instead of the whole day. Used whenever the threshold is at or over 500 ms.
CREATE INDEX query_performance_logs_slow ON pgperf.query_performance_logs (logged_at) WHERE duration_ms >= 500;

-- Spec: get_slow_queries(hours_back, min_duration_ms). The rows Get-PgSlowQuery returns, slowest first.
-- LANGUAGE sql and STABLE so the planner inlines it and can use the partial index above.
CREATE FUNCTION pgperf.get_slow_queries(hours_back integer DEFAULT 24, min_duration_ms double precision DEFAULT 500)
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
    SELECT l.id, l.logged_at, l.query_text, l.query_hash, l.duration_ms, l.endpoint, l.user_id, l.parameters,
           l.is_error, l.query_truncated
      FROM pgperf.query_performance_logs l
     WHERE l.logged_at >= now() - make_interval(hours => hours_back)
       AND l.duration_ms >= min_duration_ms
       AND hours_back > 0
     ORDER BY l.duration_ms DESC, l.logged_at DESC
$$;
COMMENT ON FUNCTION pgperf.get_slow_queries(integer, double precision) IS
    'Executions in the last hours_back hours (default 24) at or over min_duration_ms (default 500), slowest first';
