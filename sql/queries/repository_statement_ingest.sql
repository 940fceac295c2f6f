-- Statement snapshot into a repository, in one transaction on the repository: the server's snapshot lock is
-- taken first (statements_lock), then the reading is ingested with the rules of local capture (migration 023).
SELECT captured_at, rows_written, missing_texts
  FROM pgperf.ingest_statement_snapshot(@server_id, @server_version_num, @server_started_at, @stats_reset, @dealloc, @entries::jsonb)
