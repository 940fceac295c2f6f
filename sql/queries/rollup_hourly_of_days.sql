-- The per-query hourly rollups of the UTC days @days, for their daily rollups and hour blocks (the Engine bins them).
SELECT h.hour, h.query_hash, h.total, h.errors, h.slow, h.sum_ms, h.min_ms, h.max_ms, h.digest
  FROM pgperf.query_log_hourly h
  JOIN unnest(@days::timestamptz[]) d (day) ON h.server_id = @server_id AND h.hour >= d.day AND h.hour < d.day + interval '1 day'
