-- create_performance_alert took each group's first execution as its time: move last_seen_at of server @server_id's alerts @ids to the
-- matching last executions @last.
UPDATE pgperf.performance_alerts p
   SET last_seen_at = greatest(p.last_seen_at, u.last_seen)
  FROM unnest(@ids::bigint[], @last::timestamptz[]) AS u (id, last_seen)
 WHERE p.server_id = @server_id AND p.id = u.id
