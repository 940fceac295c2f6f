-- Removes the per-query hourly rollups of hours @h before they are copied in again.
DELETE FROM pgperf.query_log_hourly WHERE server_id = @server_id AND hour = ANY (@h)
