-- Retention: the daily statement-history partitions whose whole UTC day is before @cutoff.
SELECT partition_name FROM pgperf.statement_history_partitions() WHERE day + 1 <= (@cutoff AT TIME ZONE 'UTC')::date ORDER BY day
