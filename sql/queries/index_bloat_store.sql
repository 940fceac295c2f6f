-- The hourly job's index bloat step: one registered server's B-tree index estimates (a jsonb array) stored as that
-- server, all at the transaction's time. Returns the rows written and that time.
WITH stored AS (
    INSERT INTO pgperf.index_bloat_snapshots
           (server_id, captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes, bloat_percent, expected_bytes,
            status, method, confidence, flags, entries, entry_bytes, fill_factor, is_unique)
    SELECT @server_id, now(), r.schemaname, r.tablename, r.indexname, r.index_bytes, r.bloat_bytes, r.bloat_percent,
           r.expected_bytes, r.status, r.method, r.confidence, coalesce(r.flags, '{}'), r.entries, r.entry_bytes,
           r.fill_factor, r.is_unique
      FROM jsonb_to_recordset(@estimates::jsonb) AS r(schemaname text, tablename text, indexname text, index_bytes bigint,
                                                      bloat_bytes bigint, bloat_percent double precision, expected_bytes bigint,
                                                      status text, method text, confidence text, flags text[], entries bigint,
                                                      entry_bytes double precision, fill_factor integer, is_unique boolean)
    RETURNING 1
)
SELECT count(*)::integer, now() FROM stored
