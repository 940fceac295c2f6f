-- PgPerf schema, version 7: query_performance_logs range-partitioned by day (issue 9).
-- Migrated in place: the plain table is renamed, a partitioned table with the same columns, key, checks,
-- indexes and identity takes its name, every row is copied into daily partitions (ids kept), and the old
-- table is dropped. Retention then drops whole days instead of deleting rows (no dead rows, almost no WAL).
-- Runs in one transaction: writers wait on the rename's lock (and spool if it takes longer than their timeout).

ALTER TABLE pgperf.query_performance_logs RENAME TO query_performance_logs_unpartitioned;
ALTER TABLE pgperf.query_performance_logs_unpartitioned RENAME CONSTRAINT query_performance_logs_pkey TO query_performance_logs_unpartitioned_pkey;
ALTER INDEX pgperf.query_performance_logs_slow RENAME TO query_performance_logs_unpartitioned_slow;
-- The identity sequence's name is taken by the new table's identity below.
ALTER SEQUENCE pgperf.query_performance_logs_id_seq RENAME TO query_performance_logs_unpartitioned_id_seq;

CREATE TABLE pgperf.query_performance_logs (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    logged_at       timestamptz NOT NULL DEFAULT now(),
    query_text      text NOT NULL,
    duration_ms     double precision NOT NULL,
    endpoint        text,
    user_id         text,
    parameters      jsonb,
    query_hash      text,
    is_error        boolean NOT NULL DEFAULT false,
    record_id       uuid,
    query_truncated boolean NOT NULL DEFAULT false,
    CONSTRAINT query_performance_logs_duration_check CHECK (duration_ms >= 0 AND duration_ms < 'Infinity'),
    CONSTRAINT query_performance_logs_pkey PRIMARY KEY (logged_at, id)
) PARTITION BY RANGE (logged_at);

COMMENT ON TABLE pgperf.query_performance_logs IS
    'One row per logged execution; range-partitioned by UTC day (query_performance_logs_pYYYYMMDD), rows of days without a partition land in query_performance_logs_default';
COMMENT ON COLUMN pgperf.query_performance_logs.query_hash IS 'Hash of the normalized query text (literals folded); groups executions of one statement';
COMMENT ON COLUMN pgperf.query_performance_logs.record_id IS 'Client-generated id; spool replay is idempotent on (logged_at, record_id)';

CREATE INDEX query_performance_logs_slow ON pgperf.query_performance_logs (logged_at) WHERE duration_ms >= 500;

-- Catch-all: a row always lands (psql inserts, a clock far off), even for a day that has no partition yet.
-- ensure_query_log_partitions moves such rows into their day's partition once it is created.
CREATE TABLE pgperf.query_performance_logs_default PARTITION OF pgperf.query_performance_logs DEFAULT;

-- The daily partitions, oldest first, with their UTC day (from the name this schema gives them).
CREATE FUNCTION pgperf.query_log_partitions()
RETURNS TABLE (partition_name text, day date)
LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text, to_date(substr(c.relname, length('query_performance_logs_p') + 1), 'YYYYMMDD')
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE i.inhparent = 'pgperf.query_performance_logs'::regclass
       AND n.nspname = 'pgperf'
       AND c.relname ~ '^query_performance_logs_p[0-9]{8}$'
     ORDER BY 2
$$;

-- Creates the daily partitions for the given UTC days that do not exist yet and returns how many it created.
-- Rows of those days already in the default partition are moved in. CREATE + ATTACH rather than
-- CREATE ... PARTITION OF: attaching takes a lock that lets concurrent writers and readers go on.
CREATE FUNCTION pgperf.ensure_query_log_partitions(p_days date[])
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    d       date;
    part    text;
    created integer := 0;
BEGIN
    FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        part := 'query_performance_logs_p' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        -- Another session may be creating the same day: serialize on the day, then look again.
        PERFORM pg_advisory_xact_lock(hashtext('pgperf.query_log_partition'), (d - date '2000-01-01'));
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        EXECUTE format('CREATE TABLE pgperf.%I (LIKE pgperf.query_performance_logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        -- Rows of this day that landed in the default partition move into the new table before it is attached.
        EXECUTE format(
            'WITH moved AS (DELETE FROM pgperf.query_performance_logs_default WHERE logged_at >= $1 AND logged_at < $2 RETURNING *) '
            'INSERT INTO pgperf.%I SELECT * FROM moved', part)
            USING (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC');
        -- A matching CHECK lets ATTACH skip scanning the new table; it is redundant afterwards and dropped.
        EXECUTE format('ALTER TABLE pgperf.%I ADD CONSTRAINT %I CHECK (logged_at >= %L AND logged_at < %L)',
                       part, part || '_bound', (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        EXECUTE format('ALTER TABLE pgperf.query_performance_logs ATTACH PARTITION pgperf.%I FOR VALUES FROM (%L) TO (%L)',
                       part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        EXECUTE format('ALTER TABLE pgperf.%I DROP CONSTRAINT %I', part, part || '_bound');
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION pgperf.ensure_query_log_partitions(date[]) IS
    'Creates the missing daily partitions of query_performance_logs for the given UTC days (moving their rows out of the default partition); returns how many it created';

-- Every day the old table holds gets its partition (a day outside a sane range stays in the default
-- partition rather than creating thousands of tables for a few rows with a wrong clock).
SELECT pgperf.ensure_query_log_partitions(array_agg(d))
  FROM (SELECT DISTINCT (logged_at AT TIME ZONE 'UTC')::date AS d
          FROM pgperf.query_performance_logs_unpartitioned) days
 WHERE d BETWEEN (now() AT TIME ZONE 'UTC')::date - 400 AND (now() AT TIME ZONE 'UTC')::date + 31;

-- Today and the week ahead exist before the first write.
SELECT pgperf.ensure_query_log_partitions(array_agg(d::date))
  FROM generate_series((now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day') d;

INSERT INTO pgperf.query_performance_logs (id, logged_at, query_text, duration_ms, endpoint, user_id, parameters, query_hash, is_error, record_id, query_truncated)
OVERRIDING SYSTEM VALUE
SELECT id, logged_at, query_text, duration_ms, endpoint, user_id, parameters, query_hash, is_error, record_id, query_truncated
  FROM pgperf.query_performance_logs_unpartitioned;

-- New ids continue after the old ones.
SELECT setval(pg_get_serial_sequence('pgperf.query_performance_logs', 'id'),
              greatest((SELECT last_value FROM pgperf.query_performance_logs_unpartitioned_id_seq),
                       coalesce((SELECT max(id) FROM pgperf.query_performance_logs_unpartitioned), 0), 1));

DROP TABLE pgperf.query_performance_logs_unpartitioned;

-- get_slow_queries (migration 002) reads the table by name at run time, so it keeps working unchanged; with
-- logged_at bounded by now() the executor prunes the days outside the window.
