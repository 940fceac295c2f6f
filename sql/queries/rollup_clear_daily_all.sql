-- Removes the all-queries daily rollups (migration 011) of days @p before they are copied in again.
DELETE FROM pgperf.query_log_daily_all WHERE server_id = @server_id AND day = ANY (@p)
