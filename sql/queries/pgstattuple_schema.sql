-- The schema the pgstattuple extension is installed in, or no row when it is not installed.
SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pgstattuple'
