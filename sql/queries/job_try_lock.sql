-- One run of a job per database at a time: the session-level advisory lock @key, taken without waiting.
SELECT pg_try_advisory_lock(@key)
