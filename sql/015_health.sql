-- PgPerf schema, version 15: what the server-right-now cmdlets (issue 15) need from the schema.
--
-- pg_sequences shows last_value only to roles with SELECT or USAGE on the sequence, so a pg_monitor login sees
-- NULL for the application's sequences and cannot tell one about to run out. This function returns every
-- sequence's last value with its owner's (the installer's) rights: counters only, no table data. Execution is
-- granted to pgperf_monitor; Get-PgSequenceRisk uses it when it exists and falls back to pg_sequences.

CREATE FUNCTION pgperf.sequence_last_values()
RETURNS TABLE (seq_oid oid, last_value bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.oid, pg_sequence_last_value(c.oid)
      FROM pg_class c
     WHERE c.relkind = 'S'
       AND NOT pg_is_other_temp_schema(c.relnamespace)    -- other sessions' temporary sequences cannot be read
       AND has_sequence_privilege(c.oid, 'SELECT,USAGE')  -- what the installer itself may read
$$;

REVOKE ALL ON FUNCTION pgperf.sequence_last_values() FROM PUBLIC;

DO $grant$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT EXECUTE ON FUNCTION pgperf.sequence_last_values() TO pgperf_monitor;
    END IF;
END
$grant$;
