-- PgPerf schema, version 24 (issue 17): two snapshots that need the same new day partition at once no longer fail.
-- A central repository ingests the statement statistics of several servers in parallel, so on the first snapshot
-- of a day two of them ask ensure_statement_history_partitions() (014) for the same partition. The second waits on
-- the advisory lock while the first creates it, and then checks again with to_regclass(); but taking an advisory
-- lock does not refresh the session's catalog snapshot, so that check can still miss the partition the first one
-- has just committed, and CREATE TABLE fails with 42P07 (relation already exists): the step failed for that server.
-- The partition existing is what the caller wants, so duplicate_table now counts as done.

CREATE OR REPLACE FUNCTION pgperf.ensure_statement_history_partitions(p_days date[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    d       date;
    part    text;
    created integer := 0;
BEGIN
    FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        part := 'statement_history_p' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('pgperf.statement_history_partition'), (d - date '2000-01-01'));
        BEGIN
            EXECUTE format('CREATE TABLE pgperf.%I PARTITION OF pgperf.statement_history FOR VALUES FROM (%L) TO (%L)',
                           part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
        EXCEPTION WHEN duplicate_table THEN
            NULL;   -- another snapshot created it since the check above
        END;
    END LOOP;
    RETURN created;
END
$$;
