COPY pgperf_replay (server_id, record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error, query_truncated) FROM STDIN (FORMAT BINARY)
-- The replayed batch's binary COPY, in the column order QueryLogCopyFormat writes.
-- (Comments follow the statement: Npgsql accepts only text that starts with COPY.)
