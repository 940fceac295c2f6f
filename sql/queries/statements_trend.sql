-- Get-PgStatementTrend: one row per hour per entry of the given queryids on server @server_id (0: this
-- database's own; names: statement_server_names). An interval is labelled with the hour of its middle (a
-- snapshot at 10:00:05 closes the hour that began at 09:00).
SELECT h.queryid, coalesce(d.name, h.dbid::text) AS database, coalesce(r.name, h.userid::text) AS username,
       date_trunc('hour', coalesce(s.prev_captured_at + (h.captured_at - s.prev_captured_at) / 2, h.captured_at) AT TIME ZONE 'UTC') AS hour,
       sum(h.calls)::bigint AS calls, sum(h.exec_time_ms) AS exec_time_ms, sum(h.rows)::bigint AS rows,
       sum(h.shared_blks_read)::bigint AS shared_blks_read
  FROM pgperf.statement_history h
  LEFT JOIN pgperf.statement_snapshots s ON s.server_id = h.server_id AND s.captured_at = h.captured_at
  LEFT JOIN pgperf.statement_server_names(@server_id::integer) d ON d.kind = 'database' AND d.oid = h.dbid
  LEFT JOIN pgperf.statement_server_names(@server_id::integer) r ON r.kind = 'role' AND r.oid = h.userid
 WHERE h.server_id = @server_id::integer
   AND h.queryid = ANY (@queryids::bigint[])
   AND h.captured_at > @since AND h.captured_at <= @until
   AND (@databases::text[] IS NULL OR coalesce(d.name, h.dbid::text) = ANY (@databases::text[]))
   AND (@users::text[] IS NULL OR coalesce(r.name, h.userid::text) = ANY (@users::text[]))
 GROUP BY 1, 2, 3, 4
 ORDER BY 2, 3, 1, 4
