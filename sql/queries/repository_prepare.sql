-- Install-PgPerfSchema -Repository: marks this database as a central repository (idempotent).
SELECT pgperf.prepare_repository()
