-- Rollup refresh, step 1: moves the committed marks of hours whose rows changed into the pending table (with what a run
-- that died left there). A writer still running keeps its own mark for the next run. Every server's, or only server
-- @server_id's (a repository's hourly job, per registered server).
WITH taken AS (DELETE FROM pgperf.query_log_dirty_hours WHERE @server_id::integer IS NULL OR server_id = @server_id::integer
               RETURNING server_id, hour)
INSERT INTO pgperf.query_log_rollup_pending (server_id, hour) SELECT server_id, hour FROM taken ON CONFLICT DO NOTHING
