-- PgPerf schema, version 34 (issue 17): the health history (030) takes its day partitions the way the index usage and
-- table bloat snapshots do (033), through the same three functions, so that one rule makes, lists and drops the day
-- partitions of every per-server snapshot table of a repository.
--
-- The list of those tables lives once, in snapshot_day_tables(); the functions below are 033's, reading it instead of
-- naming two tables each. Like the snapshots, the health tables get a default partition: a row stored for a day that
-- has no partition yet waits there until that day's partition is made, and retention deletes its old rows in batches.

CREATE FUNCTION pgperf.snapshot_day_tables()
RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ARRAY['index_usage_snapshots', 'table_bloat_snapshots', 'health_check_history', 'index_bloat_snapshots']
$$;
COMMENT ON FUNCTION pgperf.snapshot_day_tables() IS 'PgPerf: the per-server snapshot tables range-partitioned by UTC day with a default partition';

CREATE TABLE pgperf.health_check_history_default PARTITION OF pgperf.health_check_history DEFAULT;
CREATE TABLE pgperf.index_bloat_snapshots_default PARTITION OF pgperf.index_bloat_snapshots DEFAULT;

CREATE OR REPLACE FUNCTION pgperf.snapshot_partitions(p_table text)
RETURNS TABLE (partition_name text, day date)
LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text, to_date(right(c.relname, 8), 'YYYYMMDD')
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE p_table = ANY (pgperf.snapshot_day_tables())
       AND i.inhparent = to_regclass(format('pgperf.%I', p_table))
       AND n.nspname = 'pgperf'
       AND c.relname ~ ('^' || p_table || '_p[0-9]{8}$')
     ORDER BY 2
$$;

-- As in 033 (the race fix of 024, rows of the day moved in from the default partition, ATTACH without a scan).
CREATE OR REPLACE FUNCTION pgperf.ensure_snapshot_partitions(p_table text, p_days date[])
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
    IF p_table IS NULL OR NOT p_table = ANY (pgperf.snapshot_day_tables()) THEN
        RAISE EXCEPTION 'pgperf.ensure_snapshot_partitions: % is not a snapshot table partitioned by day', p_table
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        part := p_table || '_p' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('pgperf.snapshot_partition.' || p_table), (d - date '2000-01-01'));
        BEGIN
            EXECUTE format('CREATE TABLE pgperf.%I (LIKE pgperf.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, p_table);
        EXCEPTION WHEN duplicate_table THEN
            CONTINUE;   -- another snapshot created it since the check above
        END;
        EXECUTE format(
            'WITH moved AS (DELETE FROM pgperf.%I WHERE captured_at >= $1 AND captured_at < $2 RETURNING *) '
            'INSERT INTO pgperf.%I SELECT * FROM moved', p_table || '_default', part)
            USING (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC');
        -- A matching CHECK lets ATTACH skip scanning the new table; it is redundant afterwards and dropped.
        EXECUTE format('ALTER TABLE pgperf.%I ADD CONSTRAINT %I CHECK (captured_at >= %L AND captured_at < %L)',
                       part, part || '_bound', (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        EXECUTE format('ALTER TABLE pgperf.%I ATTACH PARTITION pgperf.%I FOR VALUES FROM (%L) TO (%L)',
                       p_table, part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        EXECUTE format('ALTER TABLE pgperf.%I DROP CONSTRAINT %I', part, part || '_bound');
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;

-- As in 033: drops one day partition whole, with the owner's rights, and accepts only such a partition.
CREATE OR REPLACE FUNCTION pgperf.drop_snapshot_partition(p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    parent    text := (SELECT t FROM unnest(pgperf.snapshot_day_tables()) AS t WHERE p_name ~ ('^' || t || '_p[0-9]{8}$'));
    part      regclass;
    rows_held bigint;
BEGIN
    IF parent IS NULL THEN
        RAISE EXCEPTION 'pgperf.drop_snapshot_partition: % is not a day partition of a snapshot table', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    part := to_regclass(format('pgperf.%I', p_name));
    IF part IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = part AND inhparent = to_regclass(format('pgperf.%I', parent))) THEN
        RAISE EXCEPTION 'pgperf.drop_snapshot_partition: % is not attached to pgperf.%', p_name, parent
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    EXECUTE format('DROP TABLE %s', part);
    RETURN rows_held;
END
$$;

-- The monitoring role deletes the default partitions' old rows leaf by leaf, as it does the snapshots'.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, DELETE ON pgperf.health_check_history_default, pgperf.index_bloat_snapshots_default TO pgperf_monitor;
    END IF;
END
$$;
