-- Add-PgPerfServer: registers one server. The table's CHECK refuses a password anywhere in the row.
INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options)
VALUES (@name, @host, @port, @database, @username, @options::jsonb)
RETURNING server_id, name, host, port, database, username, options::text AS options, added_at
