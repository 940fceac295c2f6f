-- Stop-PgSession: the session a pid names, before it is signalled (what -WhatIf and the result show).
SELECT a.pid, a.datname AS database, a.usename AS user_name, a.application_name AS application, a.state,
       a.backend_type, a.backend_start, a.query_start, a.xact_start, a.query,
       a.pid = pg_backend_pid() AS is_current
  FROM pg_stat_activity a
 WHERE a.pid = @pid
