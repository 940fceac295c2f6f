-- Removes the per-query hourly rollups of hours @h before they are copied in again.
DELETE FROM pgperf.query_log_hourly WHERE hour = ANY (@h)
