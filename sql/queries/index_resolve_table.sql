-- Finds a table by exact name (and schema when given); user text only ever arrives as parameters.
-- @server_id 0 is this database (its catalog); a server registered in a repository is known by the tables of its
-- latest stored index snapshot (migration 026): its catalog is on the monitored server.
SELECT n.nspname AS "Schema", c.relname AS "Table"
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE @server_id = 0
   AND c.relname = @table
   AND c.relkind IN ('r', 'p', 'm')
   AND (@schema::text IS NULL OR n.nspname = @schema::text)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
UNION
SELECT r.schemaname, r.tablename
  FROM unnest(pgperf.index_usage_latest(@server_id)) r
 WHERE @server_id <> 0
   AND r.tablename = @table
   AND (@schema::text IS NULL OR r.schemaname = @schema::text)
 ORDER BY 1
