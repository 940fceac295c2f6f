-- Get-PgTopStatement: each entry's sums over the window (intervals ending in (@since, @until]), with its
-- names, text and share of the execution time of every statement on the server in the window.
-- @order is a StatementOrderBy name; @top 0 returns every row. NULL filters match everything.
WITH w AS MATERIALIZED (
    SELECT * FROM pgperf.statement_window(@since, @until)
), total AS (
    SELECT sum(w.exec_time_ms) AS ms FROM w
), f AS (
    SELECT w.*, coalesce(d.datname::text, w.dbid::text) AS database, coalesce(r.rolname::text, w.userid::text) AS username
      FROM w
      LEFT JOIN pg_database d ON d.oid = w.dbid
      LEFT JOIN pg_roles r ON r.oid = w.userid
     WHERE w.calls > 0
       AND (@databases::text[] IS NULL OR d.datname = ANY (@databases::text[]))
       AND (@users::text[] IS NULL OR r.rolname = ANY (@users::text[]))
       AND (@queryids::bigint[] IS NULL OR w.queryid = ANY (@queryids::bigint[]))
)
SELECT f.queryid, t.query_hash, t.query, f.database, f.username, f.toplevel, f.calls, f.exec_time_ms, f.sum_sq_exec_time,
       f.plan_time_ms, f.rows, f.shared_blks_hit, f.shared_blks_read, f.temp_blks_written, f.wal_bytes, f.counters_reset,
       total.ms AS server_ms, f.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS in_this_database
  FROM f
 CROSS JOIN total
  LEFT JOIN pgperf.statement_texts t ON t.queryid = f.queryid
 ORDER BY CASE @order::text
               WHEN 'MeanTime' THEN f.exec_time_ms / f.calls
               WHEN 'Calls' THEN f.calls
               WHEN 'Rows' THEN f.rows
               WHEN 'SharedBlocksRead' THEN f.shared_blks_read
               WHEN 'TempBlocksWritten' THEN f.temp_blks_written
               WHEN 'WalBytes' THEN f.wal_bytes
               ELSE f.exec_time_ms END DESC,
          f.exec_time_ms DESC, f.queryid, f.database, f.username
 LIMIT CASE WHEN @top::integer > 0 THEN @top::integer END
