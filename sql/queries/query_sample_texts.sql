-- One sample text per query hash, for rows read from the rollups.
SELECT query_hash, query_text FROM pgperf.query_log_texts WHERE server_id = @server_id AND query_hash = ANY (@h)
