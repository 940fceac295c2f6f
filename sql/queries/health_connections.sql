-- The connections check: client sessions against max_connections (reserved_connections exists from PostgreSQL 16).
SELECT count(*) FILTER (WHERE a.backend_type = 'client backend')                                   AS used,
       current_setting('max_connections')::bigint                                                 AS max_connections,
       current_setting('superuser_reserved_connections')::bigint
         + coalesce(current_setting('reserved_connections', true)::bigint, 0)                      AS reserved_connections,
       count(*) FILTER (WHERE a.state IN ('idle in transaction', 'idle in transaction (aborted)')) AS idle_in_transaction
  FROM pg_stat_activity a
