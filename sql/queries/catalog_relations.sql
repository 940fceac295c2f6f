-- Tab completion: names of the user's relations of the kinds @kinds (pg_class.relkind letters), in @schema or in
-- any schema when it is null, matching @pattern, each name once, at most @limit.
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind::text = ANY (@kinds) AND n.nspname NOT IN ('pgperf', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND (@schema::text IS NULL OR n.nspname = @schema) AND c.relname ILIKE @pattern
GROUP BY c.relname ORDER BY 1 LIMIT @limit
