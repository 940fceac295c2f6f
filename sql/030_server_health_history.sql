-- PgPerf schema, version 30 (issue 17): health check results and index bloat estimates stored per server.
--
-- Invoke-PgHealthCheck -Repository and the hourly job with -Repository read each registered server live (through its
-- pg_monitor login, nothing installed there) and store what they found here, as that server:
--   health_check_history    one row per check per run: its Status, worst value, thresholds and findings;
--   index_bloat_snapshots   the catalog estimate of every B-tree index of the server, one batch per run.
-- Both are range-partitioned by UTC day (retention drops whole days, leaving no dead rows behind) and carry server_id
-- first in every key, so the repository can be distributed by server_id (docs/scale.md). Their rows go with their
-- server: server_id references the registry ON DELETE CASCADE, so remove_monitored_server() (whichever migration
-- defined it last) deletes them without naming these tables.

CREATE TABLE pgperf.health_check_history (
    server_id     integer NOT NULL REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE,
    captured_at   timestamptz NOT NULL,
    check_name    text NOT NULL,
    status        text NOT NULL CHECK (status IN ('Ok', 'Warning', 'Critical')),
    -- the worst value found, in unit; NULL when there was nothing to measure
    value         double precision,
    unit          text NOT NULL,
    -- the thresholds applied, as Invoke-PgHealthCheck shows them ("warning 30, critical 300")
    threshold     text NOT NULL,
    detail        text NOT NULL,
    target        text,
    finding_count integer NOT NULL CHECK (finding_count >= 0),
    -- every finding that was not Ok: [{target, value, status, detail, key}]
    findings      jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(findings) = 'array'),
    CONSTRAINT health_check_history_pkey PRIMARY KEY (server_id, captured_at, check_name)
) PARTITION BY RANGE (captured_at);
COMMENT ON TABLE pgperf.health_check_history IS
    'PgPerf: health check results per registered server and run; range-partitioned by UTC day (health_check_history_pYYYYMMDD)';

CREATE TABLE pgperf.index_bloat_snapshots (
    server_id      integer NOT NULL REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE,
    captured_at    timestamptz NOT NULL,
    schemaname     text NOT NULL,
    tablename      text NOT NULL,
    indexname      text NOT NULL,
    index_bytes    bigint NOT NULL,
    bloat_bytes    bigint NOT NULL,
    bloat_percent  double precision NOT NULL,
    expected_bytes bigint NOT NULL,
    status         text NOT NULL CHECK (status IN ('Ok', 'Warning', 'Critical')),
    method         text NOT NULL,
    confidence     text NOT NULL,
    flags          text[] NOT NULL DEFAULT '{}',
    entries        bigint,
    entry_bytes    double precision NOT NULL,
    fill_factor    integer NOT NULL,
    is_unique      boolean NOT NULL,
    CONSTRAINT index_bloat_snapshots_pkey PRIMARY KEY (server_id, captured_at, schemaname, indexname)
) PARTITION BY RANGE (captured_at);
COMMENT ON TABLE pgperf.index_bloat_snapshots IS
    'PgPerf: B-tree index bloat estimates per registered server and run; range-partitioned by UTC day (index_bloat_snapshots_pYYYYMMDD)';

-- The two tables this migration partitions by day; the functions below accept no other.
CREATE FUNCTION pgperf.health_history_table(p_table text)
RETURNS regclass
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_table IS NULL OR p_table NOT IN ('health_check_history', 'index_bloat_snapshots') THEN
        RAISE EXCEPTION 'pgperf: % is not a table of health history (health_check_history, index_bloat_snapshots)', p_table
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN format('pgperf.%I', p_table)::regclass;
END
$$;

-- The daily partitions of one of those tables, oldest first, with their UTC day.
CREATE FUNCTION pgperf.health_history_partitions(p_table text)
RETURNS TABLE (partition_name text, day date)
LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text, to_date(right(c.relname, 8), 'YYYYMMDD')
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = pgperf.health_history_table(p_table)
       AND c.relname ~ ('^' || p_table || '_p[0-9]{8}$')
     ORDER BY 2
$$;

-- Creates the missing daily partitions for the given UTC days; returns how many it created. With the owner's rights,
-- so pgperf_monitor can store; two servers stored at once may both ask for the same new day (as in 024).
CREATE FUNCTION pgperf.ensure_health_history_partitions(p_table text, p_days date[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    parent  regclass := pgperf.health_history_table(p_table);
    d       date;
    part    text;
    created integer := 0;
BEGIN
    FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        part := p_table || '_p' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('pgperf.' || p_table || '_partition'), (d - date '2000-01-01'));
        BEGIN
            EXECUTE format('CREATE TABLE pgperf.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                           part, parent, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
        EXCEPTION WHEN duplicate_table THEN
            NULL;   -- another server's run created it since the check above
        END;
    END LOOP;
    RETURN created;
END
$$;

-- Drops one daily partition of one of those tables (retention: that day for every server); returns the rows it held.
CREATE FUNCTION pgperf.drop_health_history_partition(p_table text, p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    parent    regclass := pgperf.health_history_table(p_table);
    part      regclass;
    rows_held bigint;
BEGIN
    IF p_name IS NULL OR p_name !~ ('^' || p_table || '_p[0-9]{8}$') THEN
        RAISE EXCEPTION 'pgperf.drop_health_history_partition: % is not a daily partition name of %', p_name, p_table
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    part := to_regclass(format('pgperf.%I', p_name));
    IF part IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = part AND inhparent = parent) THEN
        RAISE EXCEPTION 'pgperf.drop_health_history_partition: % is not attached to %', p_name, parent
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    EXECUTE format('DROP TABLE %s', part);
    RETURN rows_held;
END
$$;

REVOKE EXECUTE ON FUNCTION pgperf.ensure_health_history_partitions(text, date[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgperf.drop_health_history_partition(text, text) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, DELETE ON pgperf.health_check_history, pgperf.index_bloat_snapshots TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.ensure_health_history_partitions(text, date[]) TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.drop_health_history_partition(text, text) TO pgperf_monitor;
    END IF;
END
$$;
