-- Retention plan: index usage snapshots older than @cutoff.
SELECT count(*) FROM pgperf.index_usage_snapshots WHERE captured_at < @cutoff
