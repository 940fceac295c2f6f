-- Table bloat snapshot into a repository: the SQL that reads a monitored server (the estimate's own text), held by
-- the repository so that it lives once (migration 027).
SELECT pgperf.table_bloat_reading_sql()
