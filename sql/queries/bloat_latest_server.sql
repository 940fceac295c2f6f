-- Get-PgTableBloat -Repository (issue 17): the tables of the latest bloat snapshot a repository stored for a registered
-- server (the hourly job's catalog estimate, read there through its pg_monitor login), named as PgTableBloat's
-- properties. MeasuredAt is when the snapshot was taken; the estimate's inputs it does not keep (oids, fillfactor, row
-- width) stay at their defaults. Status comes from the Engine (BloatService.Stamp), as for a live estimate.
SELECT s.schemaname   AS "Schema",
       s.tablename    AS "Table",
       s.table_kind   AS "Kind",
       s.table_bytes  AS "TableBytes",
       s.bloat_bytes  AS "BloatBytes",
       s.bloat_ratio  AS "BloatPercent",
       coalesce(s.live_tuples, 0) AS "LiveTuples",
       coalesce(s.dead_tuples, 0) AS "DeadTuples",
       s.flags        AS "Flags",
       s.confidence   AS "Confidence",
       s.method       AS "Method",
       s.captured_at  AS "MeasuredAt"
  FROM pgperf.table_bloat_snapshots s
 WHERE s.server_id = @server_id
   AND s.captured_at = (SELECT max(m.captured_at) FROM pgperf.table_bloat_snapshots m WHERE m.server_id = @server_id)
