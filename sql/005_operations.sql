-- PgPerf schema, version 5: operations. Indexes for the alert list (by type, open first) and for retention
-- of resolved alerts, and a function that resolves one alert (the same thing Resolve-PgPerfAlert does),
-- so a DBA can close alerts from psql too. The table and the upsert are in 001.

-- Get-PgPerfAlert -Type x: newest first within a type.
CREATE INDEX performance_alerts_type_seen ON pgperf.performance_alerts (alert_type, last_seen_at DESC);

-- Get-PgPerfAlert -Open: the open alerts are few; this keeps them one index scan away whatever the table size.
CREATE INDEX performance_alerts_open_seen ON pgperf.performance_alerts (last_seen_at DESC, severity) WHERE resolved_at IS NULL;

-- Retention deletes resolved alerts by resolved_at.
CREATE INDEX performance_alerts_resolved_at ON pgperf.performance_alerts (resolved_at) WHERE resolved_at IS NOT NULL;

-- Resolves one alert and returns it. An alert that is already resolved is returned unchanged; an unknown
-- id returns no row.
CREATE FUNCTION pgperf.resolve_performance_alert(p_id bigint, p_resolved_by text DEFAULT current_user)
RETURNS SETOF pgperf.performance_alerts
LANGUAGE sql
AS $$
    WITH resolved AS (
        UPDATE pgperf.performance_alerts
           SET resolved_at = now(), resolved_by = coalesce(p_resolved_by, current_user)
         WHERE id = p_id AND resolved_at IS NULL
        RETURNING *)
    SELECT * FROM resolved
    UNION ALL
    SELECT * FROM pgperf.performance_alerts WHERE id = p_id AND resolved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resolved)
$$;
