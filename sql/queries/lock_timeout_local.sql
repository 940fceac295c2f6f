-- How long the statements of the current transaction wait for a lock before failing with 55P03 (PgPerf.LockNotAvailable).
-- Monitoring reads run under it so they skip what someone else has locked instead of queueing behind it.
SELECT set_config('lock_timeout', @value, true)
