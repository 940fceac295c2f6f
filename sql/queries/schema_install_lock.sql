-- Every installer takes the session-level advisory lock @key and waits for it, so two concurrent installs apply
-- each migration once.
SELECT pg_advisory_lock(@key)
