-- Invoke-PgStatementSnapshot: one snapshot, then what it saw (the second statement runs after the first, in
-- the same batch, so it sees the row the capture wrote).
SELECT pgperf.capture_statement_snapshot();
SELECT s.rows_written, s.captured_at, s.entries, s.texts_added, s.is_baseline, s.stats_were_reset, s.entries_evicted, s.server_restarted
  FROM pgperf.statement_snapshots s
 WHERE s.server_id = 0
 ORDER BY s.captured_at DESC
 LIMIT 1
