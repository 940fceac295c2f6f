-- Per index per day (UTC) of one table: scans and tuples read during the day (deltas; after a reset the
-- new value, a lower bound), the size at the day's last reading, and how many steps were blind.
-- A reading's step is counted on the day it ends; an index's first reading has no step. Columns are named after
-- PgIndexTrend's properties (Day is a timestamptz at 00:00 UTC), so the rows are read straight into it.
-- @server_id 0 is this database, its last step ending at the live reading; a server registered in a repository ends
-- at its latest stored snapshot (the same current reading as index_summary.sql), which counts as one of Snapshots.
SELECT p.schemaname AS "Schema", p.tablename AS "Table", p.indexname AS "Index",
       date_trunc('day', p.captured_at, 'UTC') AS "Day",
       coalesce(sum(p.scans) FILTER (WHERE p.prev_captured_at IS NOT NULL), 0)::bigint AS "Scans",
       coalesce(sum(p.tuples_read) FILTER (WHERE p.prev_captured_at IS NOT NULL), 0)::bigint AS "TuplesRead",
       (array_agg(p.index_size_bytes ORDER BY p.captured_at DESC))[1] AS "SizeBytes",
       count(*) FILTER (WHERE NOT p.is_live OR @server_id <> 0)::integer AS "Snapshots",
       count(*) FILTER (WHERE p.continuous = false)::integer AS "BlindGaps"
  FROM pgperf.index_usage_points(
           @server_id,
           CASE WHEN @server_id = 0 THEN pgperf.index_usage_current_readings() ELSE pgperf.index_usage_latest(@server_id) END,
           @since, @schema, @table) p
 WHERE p.captured_at >= @from
   AND (@index::text IS NULL OR p.indexname = @index::text)
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4
