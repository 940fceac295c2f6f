-- Statement snapshot into a repository, run on the monitored server (any login may read these catalogs): the
-- names of its databases and roles, which its statements carry as oids (pgperf.ingest_statement_names stores them).
SELECT coalesce(jsonb_agg(jsonb_build_object('kind', n.kind, 'oid', n.oid, 'name', n.name)), '[]'::jsonb)::text
  FROM (SELECT 'database' AS kind, d.oid, d.datname::text AS name FROM pg_database d
        UNION ALL
        SELECT 'role', r.oid, r.rolname::text FROM pg_roles r) n
