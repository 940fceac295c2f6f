-- Removes the per-query daily rollups of days @d before they are copied in again.
DELETE FROM pgperf.query_log_daily WHERE server_id = @server_id AND day = ANY (@d)
