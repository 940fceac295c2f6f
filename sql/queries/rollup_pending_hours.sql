-- The hours the rollup refresh rebuilds.
SELECT hour FROM pgperf.query_log_rollup_pending
