-- The index Remove-PgIndex is asked to drop, found by exact name; the server quotes the names.
SELECT n.nspname AS "Schema", t.relname AS "Table", c.relname AS "Index",
       -- relpages, not pg_relation_size(): planning must never wait for a lock.
       c.relpages::bigint * current_setting('block_size')::bigint AS "SizeBytes",
       pg_get_indexdef(c.oid) AS "Definition",
       format('DROP INDEX CONCURRENTLY %I.%I', n.nspname, c.relname) AS "DropSql",
       (SELECT string_agg(format('%s %I (%s)', CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint'
                                                            WHEN 'x' THEN 'exclusion constraint' WHEN 'f' THEN 'foreign key' ELSE 'constraint' END,
                                 k.conname, k.conrelid::regclass), ', ')
          FROM pg_constraint k WHERE k.conindid = c.oid) AS "Constraints",
       i.indisprimary AS "IsPrimary", i.indisreplident AS "IsReplicaIdentity"
  FROM pg_class c
  JOIN pg_index i ON i.indexrelid = c.oid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = @index
   AND c.relkind IN ('i', 'I')
   AND (@schema::text IS NULL OR n.nspname = @schema::text)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
 ORDER BY n.nspname
