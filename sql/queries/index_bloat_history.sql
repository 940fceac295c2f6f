-- Get-PgIndexBloat -Repository -Since: one registered server's stored index bloat estimates since @since, oldest run first.
SELECT captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes, bloat_percent, expected_bytes, status,
       method, confidence, flags, entries, entry_bytes, fill_factor, is_unique
  FROM pgperf.index_bloat_snapshots
 WHERE server_id = @server_id AND captured_at >= @since
 ORDER BY captured_at, schemaname, indexname
