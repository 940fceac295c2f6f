-- Add-PgPerfServer, on the monitored server (nothing of PgPerf is installed there): who the login is, whether it
-- has the rights of pg_monitor (a member, a superuser, or a member of the three roles pg_monitor bundles), whether
-- pg_stat_statements can be read in this database, and the server version.
SELECT current_user::text AS login,
       pg_has_role(current_user, 'pg_monitor', 'USAGE')
       OR (pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AND pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')
           AND pg_has_role(current_user, 'pg_stat_scan_tables', 'USAGE')) AS can_read_statistics,
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS has_statement_statistics,
       current_setting('server_version_num')::integer AS server_version_num
