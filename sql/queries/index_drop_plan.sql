-- The index Remove-PgIndex is asked to drop, found by exact name; the server quotes the names.
SELECT n.nspname AS "Schema", t.relname AS "Table", c.relname AS "Index",
       -- relpages, not pg_relation_size(): planning must never wait for a lock.
       c.relpages::bigint * current_setting('block_size')::bigint AS "SizeBytes",
       pg_get_indexdef(c.oid) AS "Definition",
       -- A partitioned table's index prints as "ON ONLY table", which would build the parent alone (invalid, with
       -- no partition indexes): the way back builds it on every partition. The first "<name> ON ONLY " is the one
       -- after CREATE [UNIQUE] INDEX.
       CASE WHEN c.relkind = 'I' THEN
            overlay(pg_get_indexdef(c.oid) placing ' ON ' from position(quote_ident(c.relname) || ' ON ONLY ' in pg_get_indexdef(c.oid)) + length(quote_ident(c.relname)) for 9)
       END AS "PartitionedDefinition",
       -- A partitioned table's index cannot be dropped (or built again) concurrently: it goes in one DROP INDEX.
       CASE WHEN c.relkind = 'I' THEN format('DROP INDEX %I.%I', n.nspname, c.relname)
            ELSE format('DROP INDEX CONCURRENTLY %I.%I', n.nspname, c.relname) END AS "DropSql",
       -- A partition's index attached to a partitioned index goes only with its parent.
       (SELECT format('%I.%I', pn.nspname, pc.relname) FROM pg_inherits h JOIN pg_class pc ON pc.oid = h.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE h.inhrelid = c.oid) AS "ParentIndex",
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
