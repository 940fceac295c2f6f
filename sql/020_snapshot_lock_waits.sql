-- PgPerf schema, version 20 (issue 15): the bloat snapshot never waits behind a queued ACCESS EXCLUSIVE lock.
-- The bloat estimate (004) sizes each table with pg_relation_size, which takes an ACCESS SHARE lock. It already sized
-- tables under a granted ACCESS EXCLUSIVE lock from pg_class instead (flag SizeFromCatalog), but not tables with one
-- queued: an ALTER TABLE waiting for a long transaction makes every later lock on the table wait behind it, so the
-- hourly snapshot (and everything queued after it) hung there until the ALTER ran. A request that is still waiting
-- now counts too. The function's text is adapted rather than restated (as 018 does), so whatever 018 changed in it
-- on PostgreSQL 13 stays; if the text it adapts is gone this fails loudly instead of guessing. The Engine also runs
-- the capture under a short lock_timeout (PgMonitoringLocks) for a request that arrives while the snapshot runs.
DO $$
DECLARE
    definition text;
    granted_only constant text := $t$l.mode = 'AccessExclusiveLock' AND l.granted$t$;
    any_request  constant text := $t$l.mode = 'AccessExclusiveLock'  -- granted, or queued: later locks wait behind it$t$;
BEGIN
    definition := pg_get_functiondef('pgperf.table_bloat_estimate()'::regprocedure);
    IF position(granted_only IN definition) = 0 THEN
        RAISE EXCEPTION 'pgperf 020: pgperf.table_bloat_estimate() no longer reads ACCESS EXCLUSIVE locks as 020 expects; adapt 020';
    END IF;
    EXECUTE replace(definition, granted_only, any_request);
END
$$;
