-- Get-PgSequenceRisk when the pgperf schema is installed: the last value of every sequence, read through the
-- SECURITY DEFINER function of migration 015, so a pg_monitor login sees values it has no SELECT right for.
SELECT seq_oid::bigint, last_value FROM pgperf.sequence_last_values()
