COPY pg_temp.query_hash_map (query_text, old_hash, new_hash) FROM STDIN (FORMAT BINARY)
-- The query-hash upgrade's map of changed hashes, written by binary COPY in this column order.
-- (Comments follow the statement: Npgsql accepts only text that starts with COPY.)
