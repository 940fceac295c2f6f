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
    -- pg_sequence holds sequences only: has_sequence_privilege raises an error for any other relation, and
    -- the planner may test conditions in any order, so it must never see one.
    SELECT s.seqrelid, pg_sequence_last_value(s.seqrelid)
      FROM pg_sequence s
      JOIN pg_class c ON c.oid = s.seqrelid
     WHERE has_sequence_privilege(s.seqrelid, 'SELECT,USAGE')  -- what the installer itself may read
       AND NOT pg_is_other_temp_schema(c.relnamespace)       -- other sessions' temporary sequences cannot be read
$$;

REVOKE ALL ON FUNCTION pgperf.sequence_last_values() FROM PUBLIC;

DO $grant$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT EXECUTE ON FUNCTION pgperf.sequence_last_values() TO pgperf_monitor;
    END IF;
END
$grant$;
