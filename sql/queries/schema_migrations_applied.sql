-- The applied migrations with the checksum of the text that was run ('' for those applied before checksums).
SELECT version, coalesce(checksum, '') FROM pgperf.schema_migrations
