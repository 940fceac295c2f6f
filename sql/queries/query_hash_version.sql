-- The QueryHash version every stored query_hash was computed with (migration 013). Locked, so two upgraders take
-- turns: the second one finds the version current and does nothing.
SELECT version FROM pgperf.query_hash_version FOR UPDATE
