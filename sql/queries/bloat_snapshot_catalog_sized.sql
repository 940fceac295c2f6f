-- Invoke-PgBloatSnapshot: the tables of one snapshot that were locked (ACCESS EXCLUSIVE held or queued), so their size
-- came from pg_class (flag SizeFromCatalog) instead of waiting for the lock. The job step names them in its note.
SELECT schemaname, tablename
  FROM pgperf.table_bloat_snapshots
 WHERE server_id = 0 AND captured_at = @capturedAt AND 'SizeFromCatalog' = ANY (flags)
 ORDER BY schemaname, tablename
