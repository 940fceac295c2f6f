-- Resolves the open alerts of @type of server @server_id (0 = this database) whose keys are not in @keys (they no
-- longer hold); returns how many.
SELECT pgperf.resolve_stale_server_alerts(@server_id, @type, @keys)
