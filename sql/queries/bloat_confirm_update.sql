-- Replaces one snapshot row's estimate with what pgstattuple_approx measured.
UPDATE pgperf.table_bloat_snapshots
   SET method = 'Approx', table_bytes = @TableBytes, bloat_bytes = @BloatBytes, bloat_ratio = @BloatPercent,
       live_tuples = @LiveTuples, dead_tuples = @DeadTuples, confidence = @Confidence, flags = @Flags
 WHERE id = @id
