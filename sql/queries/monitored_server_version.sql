-- A snapshot into a repository, on the monitored server: its version, which picks the SQL that reads it.
SELECT current_setting('server_version_num')::integer
