-- Retention plan: query-log rows older than @cutoff (whole UTC days; the partitions go whole).
SELECT count(*) FROM pgperf.query_performance_logs WHERE logged_at < @cutoff
