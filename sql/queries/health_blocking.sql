-- Get-PgBlocking: one row per session waiting for a lock. pg_blocking_pids gives the sessions each waits for
-- (holders and, for the lock queue, sessions ahead of it); the recursion follows waits until it reaches a
-- session that waits for nobody: the root, the one to stop to free the whole chain.
WITH RECURSIVE waiting AS (
    SELECT a.pid, pg_blocking_pids(a.pid) AS blockers
      FROM pg_stat_activity a
     WHERE a.wait_event_type = 'Lock'
), edges AS (
    SELECT w.pid AS blocked, b.pid AS blocking
      FROM waiting w CROSS JOIN LATERAL unnest(w.blockers) AS b(pid)
), chain (blocked, blocking, depth, path) AS (
    SELECT e.blocked, e.blocking, 1, ARRAY[e.blocked, e.blocking] FROM edges e
    UNION ALL
    SELECT c.blocked, e.blocking, c.depth + 1, c.path || e.blocking
      FROM chain c JOIN edges e ON e.blocked = c.blocking
     WHERE e.blocking <> ALL (c.path)            -- a cycle is a deadlock the server resolves itself
), roots AS (
    SELECT DISTINCT ON (c.blocked) c.blocked, c.blocking AS root, c.depth
      FROM chain c
     WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.blocked = c.blocking)
     ORDER BY c.blocked, c.depth, c.blocking
), awaited AS (
    -- The lock each waiting session asked for (one ungranted lock per waiting session).
    SELECT DISTINCT ON (l.pid) l.pid, l.locktype, l.mode, l.database, l.relation,
           (to_jsonb(l) ->> 'waitstart')::timestamptz AS waitstart   -- PostgreSQL 14+; NULL before
      FROM pg_locks l
     WHERE NOT l.granted AND l.pid IN (SELECT pid FROM waiting)
     ORDER BY l.pid
), named AS (
    -- Of several blockers, name one that is not itself waiting (the holder) when there is one.
    SELECT w.pid, w.blockers,
           coalesce((SELECT b FROM unnest(w.blockers) b
                      WHERE NOT EXISTS (SELECT 1 FROM edges e WHERE e.blocked = b) ORDER BY b LIMIT 1),
                    w.blockers[1]) AS blocking_pid
      FROM waiting w
     WHERE cardinality(w.blockers) > 0
)
SELECT n.pid                                         AS blocked_pid,
       n.blocking_pid,
       n.blockers                                    AS blocking_pids,
       r.root                                        AS root_blocking_pid,
       coalesce(r.depth, 1)                          AS chain_depth,
       extract(epoch FROM now() - coalesce(aw.waitstart, blocked.state_change))::float8 AS wait_seconds,
       aw.locktype                                   AS lock_type,
       aw.mode                                       AS lock_mode,
       CASE WHEN aw.relation IS NULL THEN NULL
            WHEN aw.database = (SELECT oid FROM pg_database WHERE datname = current_database()) THEN aw.relation::regclass::text
            ELSE aw.relation::text END               AS relation,
       blocked.datname                               AS database,
       blocked.usename                               AS blocked_user,
       blocked.query                                 AS blocked_query,
       blocking.usename                              AS blocking_user,
       blocking.query                                AS blocking_query,
       blocking.state                                AS blocking_state,
       extract(epoch FROM now() - blocking.xact_start)::float8 AS blocking_transaction_seconds
  FROM named n
  JOIN pg_stat_activity blocked ON blocked.pid = n.pid
  LEFT JOIN roots r ON r.blocked = n.pid
  LEFT JOIN awaited aw ON aw.pid = n.pid
  LEFT JOIN pg_stat_activity blocking ON blocking.pid = n.blocking_pid
 ORDER BY wait_seconds DESC, n.pid
