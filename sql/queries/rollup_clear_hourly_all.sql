-- Removes the all-queries hourly rollups (migration 011) of hours @p before they are copied in again.
DELETE FROM pgperf.query_log_hourly_all WHERE server_id = @server_id AND hour = ANY (@p)
