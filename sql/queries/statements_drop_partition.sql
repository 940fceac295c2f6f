-- Drops the statement history's day partition @name for every server (with that day's rollups); returns the rows it held.
SELECT pgperf.drop_statement_history_partition(@name)
