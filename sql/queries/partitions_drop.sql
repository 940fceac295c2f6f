-- Drops one daily query-log partition with the owner's rights (the function accepts only those); returns its row count.
SELECT pgperf.drop_query_log_partition(@name)
