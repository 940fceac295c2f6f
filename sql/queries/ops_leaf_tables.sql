-- The tables that hold a table's rows: its leaf partitions, or the table itself when it is not partitioned
-- (pg_partition_tree returns no rows for a plain table). Schema and name come apart, for PgIdentifier to quote.
SELECT n.nspname::text, c.relname::text
  FROM pg_partition_tree(@t::regclass) t
  JOIN pg_class c ON c.oid = t.relid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE t.isleaf
UNION ALL
SELECT n.nspname::text, c.relname::text
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = @t::regclass AND NOT EXISTS (SELECT 1 FROM pg_partition_tree(@t::regclass))
