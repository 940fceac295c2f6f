-- The cache_hit check: shared-buffer hits and reads of every database since its statistics were reset.
SELECT coalesce(sum(blks_hit), 0)::bigint AS blocks_hit, coalesce(sum(blks_read), 0)::bigint AS blocks_read
  FROM pg_stat_database
