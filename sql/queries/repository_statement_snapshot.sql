-- What a statement snapshot of one server saw (as statements_capture.sql reads it for server 0).
SELECT s.rows_written, s.captured_at, s.entries, s.texts_added, s.is_baseline, s.stats_were_reset, s.entries_evicted, s.server_restarted
  FROM pgperf.statement_snapshots s
 WHERE s.server_id = @server_id AND s.captured_at = @captured_at
