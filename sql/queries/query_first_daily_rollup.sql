-- The oldest daily rollup: rollup blocks never start before it (see QueryStatPlan.Split).
SELECT min(day) FROM pgperf.query_log_daily WHERE server_id = @server_id
