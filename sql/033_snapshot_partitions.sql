-- PgPerf schema, version 33 (issue 17): index usage and table bloat snapshots range-partitioned by UTC day.
--
-- A repository keeps the hourly index counters and bloat estimates of every registered server: retention deleting
-- their old rows leaves the very bloat PgPerf reports, and costs WAL and vacuum on the busiest tables of the schema.
-- As the query log (007) and the statement history (014, 024): both tables are partitioned by the UTC day of
-- captured_at (<table>_pYYYYMMDD), and retention drops whole days. Unlike the statement history, which only its own
-- capture writes, these tables take rows from psql and pg_cron users too (the spec's functions, loads of old
-- snapshots), so each has a default partition that catches a row whose day has no partition yet; creating that
-- day's partition moves its rows in, and retention deletes the default partition's old rows in batches.
--
-- Migrated in place, in this migration's one transaction: each table is renamed, a partitioned table with the same
-- columns (in the same order), defaults, checks and comments takes its name, every row is copied into its day (ids
-- kept, the identity continues after them), the old table is dropped, and keys, indexes and 006's triggers are
-- created on the new one (after the copy: the copied rows keep their derived steps). Primary keys become
-- (server_id, id, captured_at): a key of a partitioned table includes the partition column, and server_id stays first.
-- The writers (ingest_index_usage_snapshot, ingest_table_bloat_snapshot, capture_table_bloat_snapshot) create the
-- day partitions they need first; their bodies are unchanged (renamed *_rows, called by a wrapper of the old name).

-- The per-server snapshot tables partitioned by UTC day with a default partition: these two, and the health history of
-- 030 (health_check_history, index_bloat_snapshots), which is made partitioned and takes its days the same way. The list
-- lives here once; the three functions below accept no other table.
CREATE FUNCTION pgperf.snapshot_day_tables()
RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
    SELECT ARRAY['index_usage_snapshots', 'table_bloat_snapshots', 'health_check_history', 'index_bloat_snapshots']
$$;
COMMENT ON FUNCTION pgperf.snapshot_day_tables() IS 'PgPerf: the per-server snapshot tables range-partitioned by UTC day with a default partition';

CREATE TABLE pgperf.health_check_history_default PARTITION OF pgperf.health_check_history DEFAULT;
CREATE TABLE pgperf.index_bloat_snapshots_default PARTITION OF pgperf.index_bloat_snapshots DEFAULT;

-- The day partitions of one of those tables, oldest first.
CREATE FUNCTION pgperf.snapshot_partitions(p_table text)
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

-- Creates the missing day partitions of p_table for the given UTC days and returns how many it created. Rows of those
-- days in the default partition move in first. Two snapshots that need the same new day at once (a repository
-- ingests servers in parallel) serialize on the day, and the second counts "already exists" as done (024's fix: the
-- advisory lock does not refresh the catalog snapshot that to_regclass() reads). With the owner's rights, so that
-- the monitoring role creates partitions that the owner owns.
CREATE FUNCTION pgperf.ensure_snapshot_partitions(p_table text, p_days date[])
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

-- Retention drops one day partition whole, with the owner's rights; it accepts only such a partition. Returns the
-- rows it held. The index usage steps of later rows keep their running totals (as when old rows are deleted).
CREATE FUNCTION pgperf.drop_snapshot_partition(p_name text)
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

REVOKE EXECUTE ON FUNCTION pgperf.ensure_snapshot_partitions(text, date[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgperf.drop_snapshot_partition(text) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------------------
-- index_usage_snapshots
ALTER TABLE pgperf.index_usage_snapshots RENAME TO index_usage_snapshots_unpartitioned;
-- the identity sequence's name goes to the new table's identity
ALTER SEQUENCE pgperf.index_usage_snapshots_id_seq RENAME TO index_usage_snapshots_unpartitioned_id_seq;

CREATE TABLE pgperf.index_usage_snapshots
    (LIKE pgperf.index_usage_snapshots_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)
    PARTITION BY RANGE (captured_at);
ALTER TABLE pgperf.index_usage_snapshots ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
COMMENT ON TABLE pgperf.index_usage_snapshots IS
    'PgPerf: index usage counters per server and capture; range-partitioned by UTC day (index_usage_snapshots_pYYYYMMDD), rows of a day without a partition in index_usage_snapshots_default';
CREATE TABLE pgperf.index_usage_snapshots_default PARTITION OF pgperf.index_usage_snapshots DEFAULT;

-- Every day the old table holds gets its partition (a day outside a sane range stays in the default partition
-- rather than creating thousands of tables for a few rows with a wrong clock).
SELECT pgperf.ensure_snapshot_partitions('index_usage_snapshots', array_agg(d))
  FROM (SELECT DISTINCT (captured_at AT TIME ZONE 'UTC')::date AS d FROM pgperf.index_usage_snapshots_unpartitioned) days
 WHERE d BETWEEN (now() AT TIME ZONE 'UTC')::date - 800 AND (now() AT TIME ZONE 'UTC')::date + 31;
INSERT INTO pgperf.index_usage_snapshots OVERRIDING SYSTEM VALUE
SELECT * FROM pgperf.index_usage_snapshots_unpartitioned ORDER BY server_id, captured_at, id;
SELECT setval(pg_get_serial_sequence('pgperf.index_usage_snapshots', 'id'),
              coalesce((SELECT max(id) FROM pgperf.index_usage_snapshots), 0) + 1, false);
DROP TABLE pgperf.index_usage_snapshots_unpartitioned;

ALTER TABLE pgperf.index_usage_snapshots ADD CONSTRAINT index_usage_snapshots_pkey PRIMARY KEY (server_id, id, captured_at);
CREATE INDEX index_usage_snapshots_key ON pgperf.index_usage_snapshots (server_id, schemaname, indexname, captured_at);
CREATE INDEX index_usage_snapshots_underived ON pgperf.index_usage_snapshots (server_id, schemaname, indexname, captured_at)
    WHERE cum_scans IS NULL;
CREATE INDEX index_usage_snapshots_server_captured ON pgperf.index_usage_snapshots (server_id, captured_at);
CREATE INDEX index_usage_snapshots_captured_at ON pgperf.index_usage_snapshots (captured_at);

CREATE TRIGGER index_usage_snapshots_inserted AFTER INSERT ON pgperf.index_usage_snapshots
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();
CREATE TRIGGER index_usage_snapshots_updated AFTER UPDATE ON pgperf.index_usage_snapshots
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();
CREATE TRIGGER index_usage_snapshots_deleted AFTER DELETE ON pgperf.index_usage_snapshots
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();

-- The writer makes the days of its readings first (the body of 026 is unchanged).
ALTER FUNCTION pgperf.ingest_index_usage_snapshot(integer, pgperf.index_usage_reading[]) RENAME TO ingest_index_usage_snapshot_rows;
CREATE FUNCTION pgperf.ingest_index_usage_snapshot(p_server_id integer, p_readings pgperf.index_usage_reading[])
RETURNS TABLE (rows_written integer, captured_at timestamptz)
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pgperf.ensure_snapshot_partitions('index_usage_snapshots',
                                              ARRAY(SELECT DISTINCT (r.captured_at AT TIME ZONE 'UTC')::date FROM unnest(p_readings) r));
    RETURN QUERY SELECT * FROM pgperf.ingest_index_usage_snapshot_rows(p_server_id, p_readings);
END
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- table_bloat_snapshots
ALTER TABLE pgperf.table_bloat_snapshots RENAME TO table_bloat_snapshots_unpartitioned;
ALTER SEQUENCE pgperf.table_bloat_snapshots_id_seq RENAME TO table_bloat_snapshots_unpartitioned_id_seq;

CREATE TABLE pgperf.table_bloat_snapshots
    (LIKE pgperf.table_bloat_snapshots_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)
    PARTITION BY RANGE (captured_at);
ALTER TABLE pgperf.table_bloat_snapshots ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
COMMENT ON TABLE pgperf.table_bloat_snapshots IS
    'PgPerf: table bloat estimates per server and capture; range-partitioned by UTC day (table_bloat_snapshots_pYYYYMMDD), rows of a day without a partition in table_bloat_snapshots_default';
CREATE TABLE pgperf.table_bloat_snapshots_default PARTITION OF pgperf.table_bloat_snapshots DEFAULT;

SELECT pgperf.ensure_snapshot_partitions('table_bloat_snapshots', array_agg(d))
  FROM (SELECT DISTINCT (captured_at AT TIME ZONE 'UTC')::date AS d FROM pgperf.table_bloat_snapshots_unpartitioned) days
 WHERE d BETWEEN (now() AT TIME ZONE 'UTC')::date - 800 AND (now() AT TIME ZONE 'UTC')::date + 31;
INSERT INTO pgperf.table_bloat_snapshots OVERRIDING SYSTEM VALUE
SELECT * FROM pgperf.table_bloat_snapshots_unpartitioned ORDER BY server_id, captured_at, id;
SELECT setval(pg_get_serial_sequence('pgperf.table_bloat_snapshots', 'id'),
              coalesce((SELECT max(id) FROM pgperf.table_bloat_snapshots), 0) + 1, false);
DROP TABLE pgperf.table_bloat_snapshots_unpartitioned;

ALTER TABLE pgperf.table_bloat_snapshots ADD CONSTRAINT table_bloat_snapshots_pkey PRIMARY KEY (server_id, id, captured_at);
CREATE INDEX table_bloat_snapshots_captured ON pgperf.table_bloat_snapshots (server_id, captured_at);
CREATE INDEX table_bloat_snapshots_table ON pgperf.table_bloat_snapshots (server_id, schemaname, tablename, captured_at);
CREATE INDEX table_bloat_snapshots_age ON pgperf.table_bloat_snapshots (captured_at);
-- the daily job's pgstattuple confirmation updates a row by id (bloat_confirm_update.sql)
CREATE INDEX table_bloat_snapshots_id ON pgperf.table_bloat_snapshots (id);

ALTER FUNCTION pgperf.ingest_table_bloat_snapshot(integer, jsonb) RENAME TO ingest_table_bloat_snapshot_rows;
CREATE FUNCTION pgperf.ingest_table_bloat_snapshot(p_server_id integer, p_readings jsonb)
RETURNS TABLE (rows_written integer, captured_at timestamptz)
LANGUAGE plpgsql
AS $$
BEGIN
    -- the rows are stamped with the repository's now()
    PERFORM pgperf.ensure_snapshot_partitions('table_bloat_snapshots', ARRAY[(now() AT TIME ZONE 'UTC')::date]);
    RETURN QUERY SELECT * FROM pgperf.ingest_table_bloat_snapshot_rows(p_server_id, p_readings);
END
$$;

ALTER FUNCTION pgperf.capture_table_bloat_snapshot() RENAME TO capture_table_bloat_snapshot_rows;
CREATE FUNCTION pgperf.capture_table_bloat_snapshot()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    n := pgperf.capture_table_bloat_snapshot_rows();
    -- Today's partition is made after the estimate, not before: the estimate reads a table under an ACCESS EXCLUSIVE
    -- lock as locked (020), and making a partition takes such locks in this very transaction. On the day's first
    -- capture its rows wait in the default partition for this statement, which moves them in.
    PERFORM pgperf.ensure_snapshot_partitions('table_bloat_snapshots', ARRAY[(now() AT TIME ZONE 'UTC')::date]);
    RETURN n;
END
$$;
COMMENT ON FUNCTION pgperf.capture_table_bloat_snapshot() IS 'PgPerf: one bloat estimate row per table of this database (server 0), in today''s partition';

-- The monitoring role writes and reads both tables (009 granted it every table of the schema) and creates their days.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON pgperf.index_usage_snapshots, pgperf.index_usage_snapshots_default,
                                               pgperf.table_bloat_snapshots, pgperf.table_bloat_snapshots_default TO pgperf_monitor;
        -- retention deletes the default partitions' old rows leaf by leaf
        GRANT SELECT, INSERT, DELETE ON pgperf.health_check_history_default, pgperf.index_bloat_snapshots_default TO pgperf_monitor;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pgperf TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.ensure_snapshot_partitions(text, date[]) TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.drop_snapshot_partition(text) TO pgperf_monitor;
    END IF;
END
$$;
