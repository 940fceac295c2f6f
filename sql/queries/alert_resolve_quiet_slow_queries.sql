-- Resolves server @server_id's slow-query alerts not seen for the interval @quiet; returns how many.
UPDATE pgperf.performance_alerts SET resolved_at = now(), resolved_by = 'auto'
 WHERE server_id = @server_id AND alert_type = 'slow_query' AND resolved_at IS NULL AND last_seen_at < now() - @quiet
