-- The snapshot's rows worth measuring with pgstattuple_approx: the worst and the least trusted, largest first.
SELECT id, schemaname, tablename
  FROM pgperf.table_bloat_snapshots
 WHERE server_id = 0 AND captured_at = @capturedAt AND table_kind <> 'PartitionedTable'
   AND (bloat_ratio >= @above OR confidence = 'Low')
 ORDER BY bloat_bytes DESC
