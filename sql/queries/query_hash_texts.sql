-- Every distinct (text, hash) pair of the query log, for recomputing QueryHash in the module (QueryHashUpgrade).
-- Truncated texts keep their hash: it was computed from the full text, which is gone. The rollups' sample texts
-- (query_log_texts) are texts of the log, so the same pairs cover them.
SELECT DISTINCT query_text, query_hash
  FROM pgperf.query_performance_logs
 WHERE query_hash IS NOT NULL AND NOT query_truncated
