-- Retention of the query log: the rollups and slow-row copies of days before @cutoff go with their rows, so reports
-- never show rows that no longer exist.
DELETE FROM pgperf.query_log_hourly WHERE hour < @cutoff;
DELETE FROM pgperf.query_log_daily WHERE day + interval '1 day' <= @cutoff;
DELETE FROM pgperf.query_log_hourly_all WHERE hour < @cutoff;
DELETE FROM pgperf.query_log_daily_all WHERE day + interval '1 day' <= @cutoff;
-- Blocks that reach back before the cutoff, whole: reads never start a block before the oldest daily rollup, so the
-- kept days they held are read from smaller blocks.
DELETE FROM pgperf.query_log_blocks WHERE start < @cutoff;
DELETE FROM pgperf.query_log_dirty_hours WHERE hour + interval '1 hour' <= @cutoff;
DELETE FROM pgperf.query_log_rollup_pending WHERE hour + interval '1 hour' <= @cutoff;
-- Slow rows of the default partition's deletes (direct deletes on a partition fire no parent trigger).
DELETE FROM pgperf.query_log_slow WHERE logged_at < @cutoff
