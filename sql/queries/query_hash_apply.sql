-- Applies the recomputed hashes in pg_temp.query_hash_map (only pairs that change) and records the new version;
-- returns how many log rows changed. The log is updated through its parent, so its statement triggers move the slow
-- copy (query_log_slow) along and mark every hour whose rows changed: readers read those hours raw until the rollups
-- are rebuilt (QueryRollups.Refresh, right after). Truncated texts keep their hash (it was of the full text).
-- A sample text whose hash changed goes; the rebuild adds a sample for every hash it finds without one.
WITH changed AS (
    UPDATE pgperf.query_performance_logs l
       SET query_hash = m.new_hash
      FROM pg_temp.query_hash_map m
     WHERE l.query_text = m.query_text AND l.query_hash = m.old_hash AND NOT l.query_truncated
    RETURNING 1
)
SELECT count(*) FROM changed;

DELETE FROM pgperf.query_log_texts t
 USING pg_temp.query_hash_map m
 WHERE t.query_text = m.query_text AND t.query_hash = m.old_hash;

UPDATE pgperf.query_hash_version SET version = @version, rehashed_at = now();
