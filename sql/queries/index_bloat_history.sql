-- Get-PgIndexBloat -Repository -Since: one registered server's stored index bloat estimates since @since, oldest run first.
-- Each column is named as the PgIndexBloat property it fills (read straight into the model).
SELECT captured_at AS "MeasuredAt", schemaname AS "Schema", tablename AS "Table", indexname AS "Index",
       index_bytes AS "IndexBytes", bloat_bytes AS "BloatBytes", bloat_percent AS "BloatPercent",
       expected_bytes AS "ExpectedBytes", status AS "Status", method AS "Method", confidence AS "Confidence",
       flags AS "Flags", entries AS "Entries", entry_bytes AS "EntryBytes", fill_factor AS "FillFactor",
       is_unique AS "IsUnique"
  FROM pgperf.index_bloat_snapshots
 WHERE server_id = @server_id AND captured_at >= @since
 ORDER BY captured_at, schemaname, indexname
