-- Resolves the open job-failure alerts (@type) of server @server_id's steps that succeeded (@resolve):
-- resolve_stale_server_alerts keeps the keys it is given, so it gets every other open key of the type.
SELECT pgperf.resolve_stale_server_alerts(@server_id, @type,
                                          ARRAY(SELECT dedup_key FROM pgperf.performance_alerts
                                                 WHERE server_id = @server_id AND alert_type = @type AND resolved_at IS NULL
                                                   AND dedup_key <> ALL (@resolve)))
