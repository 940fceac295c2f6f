-- Every user index now, with its flags and definition (for the reference path, with index_points.sql).
SELECT c.schemaname AS "Schema", c.tablename AS "Table", c.indexname AS "Index", c.index_size_bytes AS "SizeBytes",
       c.is_unique AS "IsUnique", c.is_primary AS "IsPrimary", (c.is_constraint OR c.is_replica_identity) AS "IsConstraint",
       c.is_valid AS "IsValid", pg_get_indexdef(c.indexrelid) AS "Definition",
       (SELECT min(s.captured_at) FROM pgperf.index_usage_snapshots s WHERE s.captured_at >= @since AND s.captured_at < now()) AS "MonitoringStartedAt",
       now() AS "Now"
  FROM pgperf.index_usage_current() c
 ORDER BY c.schemaname, c.tablename, c.indexname
