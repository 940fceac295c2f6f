-- Invoke-PgHealthCheck -Repository -Since: one registered server's stored check results since @since, oldest run first.
SELECT captured_at, check_name, status, value, unit, threshold, detail, target, finding_count, findings::text
  FROM pgperf.health_check_history
 WHERE server_id = @server_id AND captured_at >= @since
 ORDER BY captured_at, check_name
