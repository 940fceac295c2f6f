-- Statement snapshot into a repository: the SQL that reads a monitored server (its version, the extension's schema),
-- held by the repository so that it lives once (migration 023).
SELECT pgperf.statement_reading_sql(@server_version_num, @schema::name), pgperf.statement_text_read_sql(@schema::name)
