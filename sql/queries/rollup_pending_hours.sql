-- The hours the rollup refresh rebuilds, with their server: every server's, or only server @server_id's.
SELECT server_id, hour FROM pgperf.query_log_rollup_pending WHERE @server_id::integer IS NULL OR server_id = @server_id::integer
