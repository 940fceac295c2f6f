-- UTC days of [@from, @to) whose query-log rows sit in the default partition: the hourly job gives them their own.
SELECT DISTINCT (logged_at AT TIME ZONE 'UTC')::date
  FROM pgperf.query_performance_logs_default
 WHERE logged_at >= @from AND logged_at < @to
