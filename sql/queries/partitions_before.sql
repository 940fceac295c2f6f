-- Daily query-log partitions whose whole UTC day is before @cutoff, oldest first.
SELECT partition_name, day
  FROM pgperf.query_log_partitions()
 WHERE day + 1 <= (@cutoff AT TIME ZONE 'UTC')::date
 ORDER BY day
