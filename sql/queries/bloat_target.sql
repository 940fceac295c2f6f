-- The table named @name and its TOAST table (0 when it has none), for pgstattuple.
SELECT c.oid::bigint, c.reltoastrelid::bigint FROM pg_class c WHERE c.oid = to_regclass(@name)
