-- The tables that hold a table's rows: its leaf partitions, or the table itself when it is not partitioned
-- (pg_partition_tree returns no rows for a plain table). regclass text comes back quoted by the server.
SELECT relid::regclass::text FROM pg_partition_tree(@t::regclass) WHERE isleaf
UNION ALL
SELECT @t::regclass::text WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree(@t::regclass))
