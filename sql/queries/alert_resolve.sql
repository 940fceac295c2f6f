-- Resolve-PgPerfAlert: resolves alert @id of server @server_id (0 = this database) as resolved by @by; no row when
-- that server has no such alert.
SELECT id, alert_type, severity, subject, message, details::text, dedup_key, occurrences, first_seen_at, last_seen_at,
       resolved_at, resolved_by
  FROM pgperf.resolve_server_alert(@server_id, @id, @by)
