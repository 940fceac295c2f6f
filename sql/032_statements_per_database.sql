-- PgPerf schema, version 32 (issue 17): a registered database stores its own database's statements, once.
--
-- pg_stat_statements is server-wide: every database of a PostgreSQL server sees the entries of all of them. Until
-- now a repository snapshot of a registered database stored every entry it saw, so two registered databases of one
-- server stored the whole server twice, and their figures overlapped (a statement of shop counted under shop and
-- again under billing). A registered server in the repository is a database (host, port, database): its index usage
-- and bloat are that database's; its statements now are too. The reading keeps the entries whose dbid is the
-- database it runs in, so nothing is stored twice and the figures of a server's registered databases add up to what
-- pg_stat_statements says for those databases together. Statements run in a database nobody registered (postgres,
-- a maintenance database) are not kept: register that database to watch them.
--
-- The local capture (server 0, capture_statement_snapshot(), psql, pg_cron) keeps reading the whole server: it is
-- the one copy that install makes, and Get-PgTopStatement -Database picks a database out of it.

-- statement_reading_sql of 023, optionally limited to the entries of the database it runs in (a registered database).
CREATE FUNCTION pgperf.statement_reading_sql(p_server_version_num integer, p_schema name, p_own_database_only boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT current_setting(''server_version_num'')::integer AS server_version_num, pg_postmaster_start_time() AS server_started_at, '
        '%s AS stats_reset, %s AS dealloc, (SELECT coalesce(jsonb_agg(r), ''[]''::jsonb) FROM (%s) r%s) AS entries',
        CASE WHEN p_server_version_num >= 140000 THEN format('(SELECT i.stats_reset FROM %I.pg_stat_statements_info i)', p_schema)
             ELSE 'NULL::timestamptz' END,
        CASE WHEN p_server_version_num >= 140000 THEN format('(SELECT i.dealloc FROM %I.pg_stat_statements_info i)', p_schema)
             ELSE 'NULL::bigint' END,
        pgperf.statement_read_sql(p_server_version_num, p_schema),
        CASE WHEN p_own_database_only
             THEN ' WHERE r.dbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())' ELSE '' END)
$$;

-- 023's signature: every entry of the server (the local capture).
CREATE OR REPLACE FUNCTION pgperf.statement_reading_sql(p_server_version_num integer, p_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT pgperf.statement_reading_sql(p_server_version_num, p_schema, false)
$$;

-- statement_text_read_sql of 023, optionally taking the texts of the database it runs in (the same queryid can be
-- another statement in another database: its relations' oids are part of it).
CREATE FUNCTION pgperf.statement_text_read_sql(p_schema name, p_own_database_only boolean)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT coalesce(jsonb_agg(jsonb_build_object(''queryid'', t.queryid, ''query'', t.query)), ''[]''::jsonb) '
        'FROM (SELECT DISTINCT ON (s.queryid) s.queryid, s.query FROM %I.pg_stat_statements(true) s '
        'WHERE s.queryid = ANY ($1) AND s.query IS NOT NULL%s ORDER BY s.queryid) t', p_schema,
        CASE WHEN p_own_database_only
             THEN ' AND s.dbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())' ELSE '' END)
$$;

CREATE OR REPLACE FUNCTION pgperf.statement_text_read_sql(p_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT pgperf.statement_text_read_sql(p_schema, false)
$$;

-- The copies stored so far. A registered database's history of another database is a duplicate when that other
-- database is registered too, on the same host and port (its own snapshots stored the same counters): those rows
-- go. The history of a database nobody registered is the only copy there is, and stays until retention takes it.
-- The database's oid on its server is known from the names the snapshots stored (statement_names, 025).
WITH own AS (
    SELECT m.server_id, lower(m.host) AS host, coalesce(m.port, 5432) AS port, m.database
      FROM pgperf.monitored_servers m
     WHERE m.server_id <> 0 AND m.database IS NOT NULL
), duplicate AS (
    SELECT a.server_id, n.oid AS dbid
      FROM own a
      JOIN pgperf.statement_names n ON n.server_id = a.server_id AND n.kind = 'database' AND n.name <> a.database
     WHERE EXISTS (SELECT 1 FROM own b WHERE b.server_id <> a.server_id AND b.host = a.host AND b.port = a.port
                                          AND b.database = n.name)
)
DELETE FROM pgperf.statement_history h
 USING duplicate d
 WHERE h.server_id = d.server_id AND h.dbid = d.dbid;   -- the history's triggers (019) recompute the rollup of what went

