-- Releases the job's advisory lock @key.
SELECT pg_advisory_unlock(@key)
