-- Raw log rows of [@from, @to) for the hourly rollups; the Engine bins them into UTC hours (QueryStatPlan.Floor).
SELECT logged_at, coalesce(query_hash, ''), duration_ms, is_error
  FROM pgperf.query_performance_logs
 WHERE server_id = @server_id AND logged_at >= @from AND logged_at < @to
