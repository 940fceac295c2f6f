-- Resolve-PgPerfAlert: resolves alert @id as resolved by @by; no row when there is no such alert.
SELECT id, alert_type, severity, subject, message, details::text, dedup_key, occurrences, first_seen_at, last_seen_at,
       resolved_at, resolved_by
  FROM pgperf.resolve_performance_alert(@id, @by)
