-- The leaf partitions of the partitioned table @name, measured one by one.
SELECT n.nspname::text, c.relname::text
  FROM pg_partition_tree(to_regclass(@name)) t
  JOIN pg_class c ON c.oid = t.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE t.isleaf
