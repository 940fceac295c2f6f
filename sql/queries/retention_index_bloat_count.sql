-- Retention plan: stored index bloat estimates older than @cutoff.
SELECT count(*) FROM pgperf.index_bloat_snapshots WHERE captured_at < @cutoff
