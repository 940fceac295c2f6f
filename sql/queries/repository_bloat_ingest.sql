-- Table bloat snapshot into a repository: the estimates read on the monitored server (a jsonb array) stored as that
-- server (migration 027). Returns the rows written and their time.
SELECT i.rows_written, i.captured_at FROM pgperf.ingest_table_bloat_snapshot(@server_id, @readings::jsonb) i
