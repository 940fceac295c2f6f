-- Index usage snapshot into a repository: the readings (a jsonb array read on the monitored server) ingested as
-- that server (migration 026). Returns the rows written and the time of the reading.
SELECT i.rows_written, i.captured_at
  FROM pgperf.ingest_index_usage_snapshot(
           @server_id,
           ARRAY(SELECT r FROM jsonb_populate_recordset(NULL::pgperf.index_usage_reading, @readings::jsonb) r)) i
