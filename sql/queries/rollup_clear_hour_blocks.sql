-- Removes the hour blocks (shorter than a day) that start within the UTC days @d before they are copied in again.
DELETE FROM pgperf.query_log_blocks b
 USING unnest(@d::timestamptz[]) d (day)
 WHERE b.server_id = @server_id AND b.hours < 24 AND b.start >= d.day AND b.start < d.day + interval '1 day'
