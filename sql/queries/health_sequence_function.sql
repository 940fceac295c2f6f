-- Get-PgSequenceRisk: whether pgperf.sequence_last_values() (migration 015) exists and this login may run it.
SELECT coalesce(has_function_privilege(to_regprocedure('pgperf.sequence_last_values()'), 'EXECUTE'), false)
