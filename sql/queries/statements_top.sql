-- Get-PgTopStatement: each entry's sums over the window (intervals ending in (@since, @until]) on server
-- @server_id (0: this database's own; else a repository's registered server), with its names, text and share of
-- the execution time of every statement on that server in the window (names: statement_server_names).
-- @order is a StatementOrderBy name; @top 0 returns every row. NULL filters match everything.
-- Ranked first, texts joined after: only the rows returned read their text.
-- In the same statement, the link to the application's query log (StatementLink): for the returned statements of
-- this database (the application logs into it) with a QueryHash, the log's pieces of the window as Get-PgQueryStat
-- reads them (query_stats_rollup.sql): rollup rows of the whole days, hours and blocks the Engine planned for a
-- window with every hour rolled up, and the raw durations of the rest. app_plan_held says whether that plan holds
-- (no hour of the window waits for its rollup, no block before the oldest daily rollup); if not, or with @link_log
-- false, the Engine reads the log as Get-PgQueryStat does.
WITH w AS MATERIALIZED (
    SELECT * FROM pgperf.statement_window(@server_id::integer, @since, @until)
), total AS (
    SELECT sum(w.exec_time_ms) AS ms FROM w
), f AS (
    SELECT w.*, coalesce(d.name, w.dbid::text) AS database, coalesce(r.name, w.userid::text) AS username
      FROM w
      LEFT JOIN pgperf.statement_server_names(@server_id::integer) d ON d.kind = 'database' AND d.oid = w.dbid
      LEFT JOIN pgperf.statement_server_names(@server_id::integer) r ON r.kind = 'role' AND r.oid = w.userid
     WHERE w.calls > 0
       AND (@databases::text[] IS NULL OR coalesce(d.name, w.dbid::text) = ANY (@databases::text[]))
       AND (@users::text[] IS NULL OR coalesce(r.name, w.userid::text) = ANY (@users::text[]))
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
), top AS (
    SELECT k.*, t.query_hash, t.query, @server_id::integer = 0 AND k.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AS in_this_database
      FROM ranked k
      LEFT JOIN pgperf.statement_texts t ON t.server_id = @server_id::integer AND t.queryid = k.queryid
     WHERE @top::integer <= 0 OR k.rank <= @top::integer
), linked AS MATERIALIZED (
    SELECT DISTINCT p.query_hash FROM top p WHERE @link_log::boolean AND p.in_this_database AND p.query_hash IS NOT NULL
), app_pieces AS (
    SELECT d.query_hash, d.total, d.sum_ms, d.min_ms, d.max_ms, d.digest
      FROM pgperf.query_log_daily d
     WHERE d.server_id = 0 AND d.day = ANY (@days::timestamptz[]) AND d.query_hash IN (SELECT query_hash FROM linked)
    UNION ALL
    SELECT h.query_hash, h.total, h.sum_ms, h.min_ms, h.max_ms, h.digest
      FROM pgperf.query_log_hourly h
     WHERE h.server_id = 0 AND h.hour = ANY (@hours::timestamptz[]) AND h.query_hash IN (SELECT query_hash FROM linked)
    UNION ALL
    SELECT b.query_hash, b.total, b.sum_ms, b.min_ms, b.max_ms, b.digest
      FROM unnest(@block_starts::timestamptz[], @block_hours::integer[]) AS u (start, hours)
      JOIN pgperf.query_log_blocks b ON b.server_id = 0 AND b.start = u.start AND b.hours = u.hours
     WHERE b.query_hash IN (SELECT query_hash FROM linked)
), app_rollups AS (
    SELECT a.query_hash, array_agg(a.total) AS totals, array_agg(a.sum_ms) AS sums, array_agg(a.min_ms) AS mins,
           array_agg(a.max_ms) AS maxes, array_agg(a.digest) AS digests
      FROM app_pieces a
     GROUP BY a.query_hash
), app_raw AS (
    SELECT l.query_hash, array_agg(l.duration_ms) AS durations
      FROM unnest(@raw_from::timestamptz[], @raw_to::timestamptz[]) AS r (a, b)
      JOIN LATERAL (SELECT x.query_hash, x.duration_ms
                      FROM pgperf.query_performance_logs x
                     WHERE x.server_id = 0 AND x.logged_at >= r.a AND x.logged_at < r.b) l ON true
     WHERE l.query_hash IN (SELECT query_hash FROM linked)
     GROUP BY l.query_hash
)
SELECT k.queryid, k.query_hash, k.query, k.database, k.username, k.toplevel, k.calls, k.exec_time_ms, k.sum_sq_exec_time,
       k.plan_time_ms, k.rows, k.shared_blks_hit, k.shared_blks_read, k.temp_blks_written, k.wal_bytes, k.counters_reset,
       total.ms AS server_ms, k.in_this_database,
       ar.totals, ar.sums, ar.mins, ar.maxes, ar.digests, aw.durations,
       @link_log::boolean
       AND NOT EXISTS (SELECT 1 FROM pgperf.query_log_dirty_hours x WHERE x.server_id = 0 AND x.hour >= @first_hour AND x.hour < @end_hour)
       AND NOT EXISTS (SELECT 1 FROM pgperf.query_log_rollup_pending x WHERE x.server_id = 0 AND x.hour >= @first_hour AND x.hour < @end_hour)
       AND NOT EXISTS (SELECT 1 FROM unnest(@block_starts::timestamptz[]) s (start)
                        WHERE s.start < (SELECT min(y.day) FROM pgperf.query_log_daily y WHERE y.server_id = 0)) AS app_plan_held
  FROM top k
 CROSS JOIN total
  LEFT JOIN app_rollups ar ON ar.query_hash = k.query_hash AND k.in_this_database
  LEFT JOIN app_raw aw ON aw.query_hash = k.query_hash AND k.in_this_database
 ORDER BY k.rank
