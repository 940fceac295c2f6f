-- Rollup refresh, step 1: moves the committed marks of hours whose rows changed into the pending table (with what a run
-- that died left there). A writer still running keeps its own mark for the next run.
WITH taken AS (DELETE FROM pgperf.query_log_dirty_hours RETURNING hour)
INSERT INTO pgperf.query_log_rollup_pending (hour) SELECT hour FROM taken ON CONFLICT DO NOTHING
