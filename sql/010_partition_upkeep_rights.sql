-- Partition and rollup upkeep under the least-privilege roles of 009.
-- Creating, attaching and dropping partitions needs the owner of pgperf.query_performance_logs, and the rollup
-- trigger writes pgperf.query_log_dirty_hours on behalf of whoever inserts log rows (the writer). These three
-- functions therefore run with their owner's rights (the installer), fixed search_path, and only PgPerf's roles
-- may call the two that are callable: the writer creates a missing day for its batch, the monitor creates days
-- ahead and drops expired ones.

ALTER FUNCTION pgperf.ensure_query_log_partitions(date[]) SECURITY DEFINER;
ALTER FUNCTION pgperf.query_log_mark_hours() SECURITY DEFINER;

-- Drops one expired daily partition and returns how many rows it held. Refuses anything that is not a daily
-- partition of the query log, so the owner's rights cannot be turned against another table.
CREATE FUNCTION pgperf.drop_query_log_partition(p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    part regclass;
    rows_held bigint;
BEGIN
    IF p_name IS NULL OR p_name !~ '^query_performance_logs_p[0-9]{8}$' THEN
        RAISE EXCEPTION 'pgperf.drop_query_log_partition: % is not a daily query-log partition name', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    part := to_regclass(format('pgperf.%I', p_name));
    IF part IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits
                    WHERE inhrelid = part AND inhparent = 'pgperf.query_performance_logs'::regclass) THEN
        RAISE EXCEPTION 'pgperf.drop_query_log_partition: % is not attached to pgperf.query_performance_logs', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    EXECUTE format('DROP TABLE %s', part);
    RETURN rows_held;
END
$$;

REVOKE EXECUTE ON FUNCTION pgperf.ensure_query_log_partitions(date[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgperf.drop_query_log_partition(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgperf.query_log_mark_hours() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_writer') THEN
        GRANT EXECUTE ON FUNCTION pgperf.ensure_query_log_partitions(date[]) TO pgperf_writer;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT EXECUTE ON FUNCTION pgperf.ensure_query_log_partitions(date[]) TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.drop_query_log_partition(text) TO pgperf_monitor;
    END IF;
END
$$;
