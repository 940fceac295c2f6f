-- Captures the table bloat snapshot; returns its row count and the time it is stamped with.
SELECT pgperf.capture_table_bloat_snapshot(), now()
