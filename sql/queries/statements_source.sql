-- Whether pg_stat_statements can be read in this database, and what to do if not (migration 014).
SELECT available, reason FROM pgperf.statement_source()
