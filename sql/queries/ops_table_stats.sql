-- Dead and live tuples of a table, summed over its leaf partitions when it is partitioned
-- (pg_partition_tree returns no rows for a plain table).
WITH rels AS (
    SELECT relid FROM pg_partition_tree(@table::regclass) WHERE isleaf
    UNION ALL
    SELECT @table::regclass WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree(@table::regclass)))
SELECT coalesce(sum(s.n_dead_tup), 0)::bigint AS dead, coalesce(sum(s.n_live_tup), 0)::bigint AS live
  FROM rels
  JOIN pg_stat_user_tables s ON s.relid = rels.relid
