-- Index usage snapshot into a repository: the SQL that reads a monitored server of this version, held by the
-- repository so that it lives once (migration 026).
SELECT pgperf.index_usage_reading_sql(@server_version_num)
