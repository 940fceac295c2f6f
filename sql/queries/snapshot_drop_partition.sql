-- Retention: drops one day partition of a snapshot table with the owner's rights (the function accepts only those);
-- returns the rows it held.
SELECT pgperf.drop_snapshot_partition(@name)
