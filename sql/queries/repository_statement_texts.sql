SELECT pgperf.ingest_statement_texts(@server_id, @captured_at, @texts::jsonb)
