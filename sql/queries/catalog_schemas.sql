-- Tab completion: the user's schemas (not pgperf's, not the system's) whose names match @pattern, at most @limit.
SELECT n.nspname FROM pg_namespace n
WHERE n.nspname NOT IN ('pgperf', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname ILIKE @pattern
ORDER BY 1 LIMIT @limit
