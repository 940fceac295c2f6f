-- Get-PgPerfAlert: the alerts of server @server_id (0 = this database; a registered server in a repository), newest
-- first, every other filter optional (a NULL parameter means "any").
SELECT id, alert_type, severity, subject, message, details::text AS details, dedup_key, occurrences,
       first_seen_at, last_seen_at, resolved_at, resolved_by
  FROM pgperf.performance_alerts
 WHERE server_id = @server_id
   AND (@ids::bigint[] IS NULL OR id = ANY (@ids::bigint[]))
   AND (@since::timestamptz IS NULL OR last_seen_at >= @since::timestamptz)
   AND (@types::text[] IS NULL OR alert_type = ANY (@types::text[]))
   AND (@severities::text[] IS NULL OR severity = ANY (@severities::text[]))
   AND (NOT @open_only::boolean OR resolved_at IS NULL)
 ORDER BY last_seen_at DESC, id DESC
 LIMIT @top::bigint
