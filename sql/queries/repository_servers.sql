-- Get-PgPerfServer: the registered servers of a repository (server 0 is the repository itself, not one of them).
SELECT server_id, name, host, port, database, username, options::text AS options, added_at
  FROM pgperf.monitored_servers
 WHERE server_id <> 0
 ORDER BY name
