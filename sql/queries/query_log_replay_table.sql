-- A replayed batch (spool, retry) lands here first, so rows already in the log are not written twice.
CREATE TEMP TABLE pgperf_replay (server_id integer, record_id uuid, logged_at timestamptz, query_text text, query_hash text, duration_ms float8,
    endpoint text, user_id text, parameters jsonb, is_error boolean, query_truncated boolean) ON COMMIT DROP
