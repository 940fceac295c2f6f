-- Releases the installer's advisory lock @key (schema_install_lock.sql).
SELECT pg_advisory_unlock(@key)
