-- Invoke-PgHealthCheck -Repository and the hourly job's health check step: one registered server's check results
-- (a jsonb array) stored as that server, all at the transaction's time. Returns the rows written and that time.
WITH stored AS (
    INSERT INTO pgperf.health_check_history
           (server_id, captured_at, check_name, status, value, unit, threshold, detail, target, finding_count, findings)
    SELECT @server_id, now(), r.check_name, r.status, r.value, r.unit, r.threshold, r.detail, r.target, r.finding_count,
           coalesce(r.findings, '[]'::jsonb)
      FROM jsonb_to_recordset(@results::jsonb) AS r(check_name text, status text, value double precision, unit text,
                                                    threshold text, detail text, target text, finding_count integer, findings jsonb)
    RETURNING 1
)
SELECT count(*)::integer, now() FROM stored
