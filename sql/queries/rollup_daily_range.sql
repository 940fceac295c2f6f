-- The per-query daily rollups of [@from, @to), for the day blocks that hold them.
SELECT day, query_hash, total, errors, slow, sum_ms, min_ms, max_ms, digest
  FROM pgperf.query_log_daily
 WHERE server_id = @server_id AND day >= @from AND day < @to
