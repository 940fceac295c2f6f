-- Whether the schema has its migration table at all (false before the first install).
SELECT to_regclass('pgperf.schema_migrations') IS NOT NULL
