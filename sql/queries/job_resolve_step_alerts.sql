-- Resolves the open job-failure alerts (@type) of the steps that succeeded (@resolve): resolve_stale_alerts keeps
-- the keys it is given, so it gets every other open key of the type.
SELECT pgperf.resolve_stale_alerts(@type, ARRAY(SELECT dedup_key FROM pgperf.performance_alerts
                                                WHERE alert_type = @type AND resolved_at IS NULL AND dedup_key <> ALL (@resolve)))
