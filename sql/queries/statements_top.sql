-- Get-PgTopStatement: each entry's sums over the window (intervals ending in (@since, @until]), with its
-- names, text and share of the execution time of every statement on the server in the window.
-- @order is a StatementOrderBy name; @top 0 returns every row. NULL filters match everything.
-- Ranked first, texts joined after: only the rows returned read their text.
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
), ranked AS (
    SELECT f.*, row_number() OVER (
               ORDER BY CASE @order::text
                             WHEN 'MeanTime' THEN f.exec_time_ms / f.calls
                             WHEN 'Calls' THEN f.calls
                             WHEN 'Rows' THEN f.rows
                             WHEN 'SharedBlocksRead' THEN f.shared_blks_read
                             WHEN 'TempBlocksWritten' THEN f.temp_blks_written
                             WHEN 'WalBytes' THEN f.wal_bytes
                             ELSE f.exec_time_ms END DESC,
                        f.exec_time_ms DESC, f.queryid, f.database, f.username) AS rank
      FROM f
)
SELECT k.queryid, t.query_hash, t.query, k.database, k.username, k.toplevel, k.calls, k.exec_time_ms, k.sum_sq_exec_time,
       k.plan_time_ms, k.rows, k.shared_blks_hit, k.shared_blks_read, k.temp_blks_written, k.wal_bytes, k.counters_reset,
       total.ms AS server_ms, k.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS in_this_database
  FROM ranked k
 CROSS JOIN total
  LEFT JOIN pgperf.statement_texts t ON t.queryid = k.queryid
 WHERE @top::integer <= 0 OR k.rank <= @top::integer
 ORDER BY k.rank
