-- Retention: the daily partitions of @table (migration 030) whose whole UTC day is before @cutoff, oldest first.
SELECT partition_name FROM pgperf.health_history_partitions(@table) WHERE day + 1 <= (@cutoff AT TIME ZONE 'UTC')::date ORDER BY day
