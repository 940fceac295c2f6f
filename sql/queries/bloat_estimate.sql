-- The table bloat estimate: one definition, the function psql users call too (new versions come as migrations).
SELECT * FROM pgperf.table_bloat_estimate()
