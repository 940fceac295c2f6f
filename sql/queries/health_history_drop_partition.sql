-- Retention: drops one day partition @name of @table for every server; returns the rows it held.
SELECT pgperf.drop_health_history_partition(@table, @name)
