-- Health history (migrations 030, 033): creates today's UTC day partition of @table (health_check_history or
-- index_bloat_snapshots) if it is missing, before the rows of this transaction (captured at now()) go in.
SELECT pgperf.ensure_snapshot_partitions(@table, ARRAY[(now() AT TIME ZONE 'UTC')::date])
