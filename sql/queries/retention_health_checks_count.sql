-- Retention plan: stored health check results older than @cutoff.
SELECT count(*) FROM pgperf.health_check_history WHERE captured_at < @cutoff
