-- Creates the missing daily query-log partitions of days @days (migration 007); returns how many it created.
SELECT pgperf.ensure_query_log_partitions(@days)
