-- The query log's leaves other than its daily partitions (the default partition, anything attached by hand), or the
-- table itself if it is not partitioned: retention deletes their old rows in batches.
SELECT n.nspname, c.relname
  FROM pg_partition_tree('pgperf.query_performance_logs'::regclass) t
  JOIN pg_class c ON c.oid = t.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE t.isleaf AND c.relname !~ '^query_performance_logs_p[0-9]{8}$'
UNION ALL
SELECT 'pgperf', 'query_performance_logs'
 WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree('pgperf.query_performance_logs'::regclass))
