-- The on-disk size of table @oid with its TOAST, or of all its leaves when it is partitioned (before and after VACUUM).
SELECT coalesce(sum(pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0)), 0)::bigint
  FROM pg_class c
 WHERE c.oid = @oid::oid OR c.oid IN (SELECT t.relid FROM pg_partition_tree(@oid::oid::regclass) t WHERE t.isleaf)
