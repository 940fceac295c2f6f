COPY pgperf.query_log_hourly (server_id, hour, query_hash, total, errors, slow, sum_ms, min_ms, max_ms, digest) FROM STDIN (FORMAT BINARY)
-- Per-query hourly rollups, written by binary COPY in this column order.
-- (Comments follow the statement: Npgsql accepts only text that starts with COPY.)
