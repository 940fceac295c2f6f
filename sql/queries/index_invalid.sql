-- Invalid indexes, except on tables where a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY is running
-- now (its index is invalid until it finishes).
SELECT n.nspname AS "Schema", t.relname AS "Table", c.relname AS "Index",
       c.relpages::bigint * current_setting('block_size')::bigint AS "SizeBytes",
       i.indisunique AS "IsUnique", pg_get_indexdef(i.indexrelid) AS "Definition",
       CASE WHEN i.indisready THEN 'Invalid: a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY failed; it is still updated on every write but never used. Drop it and create it again.'
            ELSE 'Invalid and not ready: a concurrent build failed early; drop it and create it again.' END AS "Reason"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE NOT i.indisvalid
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
   AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p
                    WHERE p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND (p.relid = i.indrelid OR p.index_relid = i.indexrelid))
 ORDER BY 1, 2, 3
