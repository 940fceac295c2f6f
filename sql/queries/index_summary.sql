-- Every user index now, with its flags, definition and what its history says over the window, read from
-- the steps stored at capture time (pgperf.index_usage_summary, 006), and its status from the verdict
-- detect_unused_indexes gives too (pgperf.index_usage_status, 028).
-- @server_id 0 is this database, read live; a server registered in a repository is judged as of its latest
-- stored snapshot (migration 026), and has no Definition here (its OIDs are the monitored server's).
SELECT u.schemaname AS "Schema", u.tablename AS "Table", u.indexname AS "Index", u.index_size_bytes AS "SizeBytes",
       u.is_unique AS "IsUnique", u.is_primary AS "IsPrimary", (u.is_constraint OR u.is_replica_identity) AS "IsConstraint",
       u.is_valid AS "IsValid", pg_get_indexdef(u.indexrelid) AS "Definition",
       u.observed_since AS "ObservedSince", u.observed_seconds::float8 AS "ObservedSeconds", u.blind_seconds::float8 AS "BlindSeconds",
       u.blind_gaps AS "BlindGaps", u.scans_in_window AS "ScansInWindow", u.last_seen AS "LastScanAt",
       u.unused_seconds::float8 AS "UnusedSeconds",
       pgperf.index_usage_status(u.last_seen, u.observed_seconds / 86400.0, coalesce(u.unused_seconds, u.observed_seconds) / 86400.0,
                                 u.index_size_bytes, @days, @ignoreStatsAge) AS "Status"
  FROM pgperf.index_usage_summary(
           @server_id,
           CASE WHEN @server_id = 0 THEN pgperf.index_usage_current_readings() ELSE pgperf.index_usage_latest(@server_id) END,
           @since, @days) u
 ORDER BY u.schemaname, u.tablename, u.indexname
