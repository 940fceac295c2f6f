-- Retention plan: table bloat snapshots older than @cutoff.
SELECT count(*) FROM pgperf.table_bloat_snapshots WHERE captured_at < @cutoff
