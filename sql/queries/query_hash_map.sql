-- Recomputed hashes of one upgrade, filled by COPY from the module; gone at commit.
CREATE TEMP TABLE query_hash_map (query_text text NOT NULL, old_hash text NOT NULL, new_hash text NOT NULL) ON COMMIT DROP
