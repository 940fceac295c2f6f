-- Retention plan: statement snapshots older than @cutoff (whole UTC days; the partitions go whole).
SELECT count(*) FROM pgperf.statement_history WHERE captured_at < @cutoff
