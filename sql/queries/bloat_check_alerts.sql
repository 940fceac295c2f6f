-- Raises or clears server @server_id's table bloat alerts from its latest snapshot (0 = this database; migration 037);
-- returns how many are open.
SELECT pgperf.check_server_table_bloat_alerts(@server_id, @threshold, @floor)
