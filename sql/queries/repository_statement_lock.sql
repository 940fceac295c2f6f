-- Taken before a registered server is read for a statement snapshot, held until its reading is ingested.
SELECT pgperf.lock_statement_snapshot(@server_id)
