-- The server's figures for the application's statements (Get-PgQueryStat -GroupBy Query): the window's
-- sums of this database's entries (server 0) whose text has one of the given QueryHashes (the application logs
-- into the database it uses, so other databases' statements with the same text are not its own).
SELECT t.query_hash, sum(w.calls)::bigint AS calls, sum(w.exec_time_ms) AS exec_time_ms, sum(w.rows)::bigint AS rows,
       sum(w.shared_blks_hit)::bigint AS shared_blks_hit, sum(w.shared_blks_read)::bigint AS shared_blks_read
  FROM pgperf.statement_window(0, @since, @until) w
  JOIN pgperf.statement_texts t ON t.server_id = 0 AND t.queryid = w.queryid
 WHERE t.query_hash = ANY (@hashes::text[])
   AND w.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
 GROUP BY t.query_hash
