-- Hours of [@a, @b) whose rollups are missing or out of date: reports read their raw rows instead.
SELECT hour FROM pgperf.query_log_dirty_hours WHERE server_id = @server_id AND hour >= @a AND hour < @b
UNION
SELECT hour FROM pgperf.query_log_rollup_pending WHERE server_id = @server_id AND hour >= @a AND hour < @b
