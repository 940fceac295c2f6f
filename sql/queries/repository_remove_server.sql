-- Remove-PgPerfServer: the registry row and the server's history go together (migration 022 and later).
SELECT pgperf.remove_monitored_server(@server_id)
