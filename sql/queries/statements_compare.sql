-- Compare-PgStatement: server @server_id's entries (0: this database's own) whose mean execution time in the
-- current window is at least @min_increase percent above their mean in the baseline window, with at least
-- @min_calls calls in each; largest added time ((current mean - baseline mean) * current calls) first.
-- Names: statement_server_names.
WITH b AS (
    SELECT * FROM pgperf.statement_window(@server_id::integer, @baseline_start, @baseline_end)
), c AS (
    SELECT * FROM pgperf.statement_window(@server_id::integer, @start, @end)
), j AS (
    SELECT c.dbid, c.userid, c.queryid, c.toplevel, b.calls AS b_calls, c.calls AS c_calls,
           b.exec_time_ms / b.calls AS b_mean, c.exec_time_ms / c.calls AS c_mean
      FROM c
      JOIN b ON b.dbid = c.dbid AND b.userid = c.userid AND b.queryid = c.queryid AND b.toplevel = c.toplevel
     WHERE b.calls >= @min_calls AND c.calls >= @min_calls AND b.exec_time_ms > 0
)
SELECT j.queryid, t.query_hash, t.query, coalesce(d.name, j.dbid::text) AS database,
       coalesce(r.name, j.userid::text) AS username, j.toplevel, j.b_mean, j.c_mean,
       100 * (j.c_mean - j.b_mean) / j.b_mean AS increase_percent, j.b_calls, j.c_calls,
       (j.c_mean - j.b_mean) * j.c_calls AS added_ms
  FROM j
  LEFT JOIN pgperf.statement_texts t ON t.server_id = @server_id::integer AND t.queryid = j.queryid
  LEFT JOIN pgperf.statement_server_names(@server_id::integer) d ON d.kind = 'database' AND d.oid = j.dbid
  LEFT JOIN pgperf.statement_server_names(@server_id::integer) r ON r.kind = 'role' AND r.oid = j.userid
 WHERE 100 * (j.c_mean - j.b_mean) / j.b_mean >= @min_increase
   AND (@databases::text[] IS NULL OR coalesce(d.name, j.dbid::text) = ANY (@databases::text[]))
   AND (@users::text[] IS NULL OR coalesce(r.name, j.userid::text) = ANY (@users::text[]))
 ORDER BY added_ms DESC, j.queryid
