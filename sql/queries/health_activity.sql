-- Get-PgActivity and the long_transaction check: sessions in pg_stat_activity (every session's query needs
-- pg_read_all_stats, which pg_monitor has). Sessions of this PgPerf process (@own_pids) are left out.
SELECT s.*
  FROM (SELECT a.pid,
               a.datname                                    AS database,
               a.usename                                    AS user_name,
               a.application_name                           AS application,
               host(a.client_addr)                          AS client_address,
               a.state,
               a.backend_type,
               a.backend_start,
               a.query_start,
               -- Time in the current state: since the query began while active, since the last change otherwise.
               extract(epoch FROM now() - CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END)::float8 AS duration_seconds,
               a.xact_start,
               extract(epoch FROM now() - a.xact_start)::float8 AS transaction_seconds,
               a.wait_event_type,
               a.wait_event,
               -- pg_blocking_pids takes the lock manager's partition locks: ask only for sessions that wait for a lock.
               CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END AS blocked_by,
               a.query
          FROM pg_stat_activity a
         WHERE a.pid <> pg_backend_pid()
           AND a.pid <> ALL (@own_pids::int[])
           AND a.state IS NOT NULL                       -- background processes without a client
           AND (@include_idle::boolean OR a.state <> 'idle' OR a.state = ANY (coalesce(@states::text[], '{}')))
           AND (@states::text[] IS NULL OR a.state = ANY (@states::text[]))) s
 WHERE greatest(s.duration_seconds, coalesce(s.transaction_seconds, 0)) >= @min_seconds::float8
 ORDER BY s.xact_start NULLS LAST, s.query_start NULLS LAST, s.pid
