-- Captures the index usage snapshot (migration 003); returns its row count and the time it is stamped with.
SELECT pgperf.capture_index_usage_snapshot(), now()
