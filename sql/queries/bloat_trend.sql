-- Table bloat over time from the snapshots (Invoke-PgBloatSnapshot, the daily job): one row per table per
-- snapshot at or after @since, oldest first. The figure is the one the snapshot kept: the estimate, or the
-- Approx/Exact measurement that confirmed it. Get-PgTableBloatTrend filters names with wildcards, as Get-PgTableBloat.
-- @server_id: 0 for this database; a server registered in a repository (migration 027) for its stored snapshots.
SELECT s.schemaname AS "Schema", s.tablename AS "Table", s.table_kind AS "Kind", s.captured_at AS "CapturedAt",
       s.bloat_ratio AS "BloatPercent", s.bloat_bytes AS "BloatBytes", s.table_bytes AS "TableBytes",
       coalesce(s.live_tuples, 0) AS "LiveTuples", coalesce(s.dead_tuples, 0) AS "DeadTuples",
       s.method AS "Method", s.confidence AS "Confidence"
  FROM pgperf.table_bloat_snapshots s
 WHERE s.server_id = @server_id AND s.captured_at >= @since
 ORDER BY s.schemaname, s.tablename, s.captured_at
