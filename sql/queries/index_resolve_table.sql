-- Finds a table by exact name (and schema when given); user text only ever arrives as parameters.
SELECT n.nspname AS "Schema", c.relname AS "Table"
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = @table
   AND c.relkind IN ('r', 'p', 'm')
   AND (@schema::text IS NULL OR n.nspname = @schema::text)
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
 ORDER BY n.nspname
