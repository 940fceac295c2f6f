-- Retention: the day partitions of one snapshot table (@table: index_usage_snapshots or table_bloat_snapshots, migration
-- 033) whose whole UTC day is before @cutoff, oldest first.
SELECT partition_name FROM pgperf.snapshot_partitions(@table) WHERE day + 1 <= (@cutoff AT TIME ZONE 'UTC')::date ORDER BY day
