-- Statement snapshot into a repository: the SQL that reads a monitored server (its version, the extension's schema),
-- held by the repository so that it lives once (migration 023). A registered database reads only its own database's
-- entries and texts (migration 032): pg_stat_statements is server-wide, and each registered database stores its share.
SELECT pgperf.statement_reading_sql(@server_version_num, @schema::name, true), pgperf.statement_text_read_sql(@schema::name, true)
