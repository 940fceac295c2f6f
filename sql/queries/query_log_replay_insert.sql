-- Moves the replayed rows that the log does not hold yet (same server, time and record id) into it; returns their record ids.
INSERT INTO pgperf.query_performance_logs (server_id, record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error, query_truncated)
SELECT server_id, record_id, logged_at, query_text, query_hash, duration_ms, endpoint, user_id, parameters, is_error, query_truncated
  FROM pgperf_replay r
 WHERE NOT EXISTS (SELECT 1 FROM pgperf.query_performance_logs l WHERE l.server_id = r.server_id AND l.logged_at = r.logged_at AND l.record_id = r.record_id)
RETURNING record_id
