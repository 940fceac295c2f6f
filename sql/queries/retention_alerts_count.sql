-- Retention plan: alerts resolved before @cutoff (open alerts are kept whatever their age).
SELECT count(*) FROM pgperf.performance_alerts WHERE resolved_at IS NOT NULL AND resolved_at < @cutoff
