-- The rollup refresh rebuilt hours @h with every writer settled: they are read from the rollups again.
DELETE FROM pgperf.query_log_rollup_pending WHERE server_id = @server_id AND hour = ANY (@h)
