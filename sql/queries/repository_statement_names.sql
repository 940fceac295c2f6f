-- Statement snapshot into a repository: the names read on the server (monitored_names.sql), stored for its reports.
SELECT pgperf.ingest_statement_names(@server_id, @names::jsonb)
