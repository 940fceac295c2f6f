-- lock_timeout for the rest of the session (DROP INDEX CONCURRENTLY runs outside a transaction); reset afterwards.
SELECT set_config('lock_timeout', @value, false)
