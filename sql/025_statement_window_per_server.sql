-- PgPerf schema, version 25: a statement window reads one server (issues 17 and 14).
--
-- 023 put server_id first in every statement key, but statement_window (019) still read the tables without it:
-- in a repository it summed every server's entries together, and its per-entry lookups (an entry's next daily row,
-- its last interval before a time) could no longer use the primary keys. The planner then costed the start's
-- lookups at ~300,000, above jit_above_cost, and JIT-compiling ~300 functions took ~0.9 s of a 24 h read that
-- takes ~30 ms (EXPLAIN ANALYZE on 7 days x 5,000 statements: Compare-PgStatement 1,081 ms, 69-168 before 023).
--
-- statement_window(server_id, since, until) reads one server: every table is read by its key, server_id first.
-- It is also one query instead of two: the entries that ran after the start (statement_running) are read once,
-- and the totals at the start and at the end are looked up together, as (entry, end) pairs:
--   at the start, every entry that ran after it;  at the end, only those whose latest interval is after the end
--   (for a window ending now, none: the end totals are statement_running's).
-- For each pair, as 019 did for one time T: T's day in statement_daily (before that day's first interval: run_*
-- minus the day's sums; after its last: run_*), else the entry's interval in the last snapshot at or before T that
-- day, else one index lookup (its next daily row after T's day, or its last interval before T on T's day).
-- statement_window(since, until) stays, meaning this database's own server (0), for psql and pg_cron users.

CREATE FUNCTION pgperf.statement_window(p_server_id integer, p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    dbid oid, userid oid, queryid bigint, toplevel boolean, calls bigint, exec_time_ms double precision,
    sum_sq_exec_time double precision, plan_time_ms double precision, rows bigint, shared_blks_hit bigint,
    shared_blks_read bigint, temp_blks_written bigint, wal_bytes bigint, counters_reset boolean)
-- PL/pgSQL on purpose, as in 019: callers plan its result as the few thousand rows it returns (ROWS). JIT off: this
-- read touches a few rows per statement, and compiling its plan costs far more than running it (see above); with
-- many statements its estimated cost would cross jit_above_cost again.
LANGUAGE plpgsql STABLE ROWS 5000
SET jit = off
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH r AS MATERIALIZED (
        -- the entries that ran in or after the window, with their latest running totals: read once
        SELECT * FROM pgperf.statement_running x WHERE x.server_id = p_server_id AND x.last_at > p_since
    ), ends AS MATERIALIZED (
        -- the start, and the end when some entry ran after it; each with its UTC day and the last snapshot with
        -- history at or before it that day
        SELECT p.at, p.is_end, (p.at AT TIME ZONE 'UTC')::date AS day,
               (SELECT max(m.captured_at) FROM pgperf.statement_history m
                 WHERE m.server_id = p_server_id AND m.captured_at <= p.at
                   AND m.captured_at >= ((p.at AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC')) AS snap_at
          FROM (VALUES (p_since, false), (p_until, true)) AS p (at, is_end)
         WHERE NOT p.is_end OR EXISTS (SELECT 1 FROM r WHERE r.last_at > p_until)
    ), asked AS MATERIALIZED (
        -- the (entry, end) pairs whose totals at that end are not the entry's latest
        SELECT r.dbid, r.userid, r.queryid, r.toplevel, e.at, e.is_end, e.day, e.snap_at
          FROM r JOIN ends e ON NOT e.is_end OR r.last_at > e.at
    ), day_rows AS (
        SELECT y.* FROM pgperf.statement_daily y
         WHERE y.server_id = p_server_id AND y.day IN (SELECT e.day FROM ends e)
    ), snap_rows AS (
        SELECT z.* FROM pgperf.statement_history z
         WHERE z.server_id = p_server_id AND z.captured_at IN (SELECT e.snap_at FROM ends e)
    ), chosen AS MATERIALIZED (
        -- where the end falls for each pair: before its day's first interval, after its last, or in between (the
        -- snapshot's interval); NULL: look it up one by one below
        SELECT a.dbid, a.userid, a.queryid, a.toplevel, a.at, a.is_end, a.day, y.dbid IS NULL AS other_day,
               CASE WHEN y.first_at > a.at THEN y.run_calls - y.calls WHEN y.last_at <= a.at THEN y.run_calls ELSE s.run_calls END AS run_calls,
               CASE WHEN y.first_at > a.at THEN y.run_exec_time_ms - y.exec_time_ms WHEN y.last_at <= a.at THEN y.run_exec_time_ms ELSE s.run_exec_time_ms END AS run_exec_time_ms,
               CASE WHEN y.first_at > a.at THEN y.run_sum_sq_exec_time - y.sum_sq_exec_time WHEN y.last_at <= a.at THEN y.run_sum_sq_exec_time ELSE s.run_sum_sq_exec_time END AS run_sum_sq_exec_time,
               CASE WHEN y.first_at > a.at THEN y.run_plan_time_ms - y.plan_time_ms WHEN y.last_at <= a.at THEN y.run_plan_time_ms ELSE s.run_plan_time_ms END AS run_plan_time_ms,
               CASE WHEN y.first_at > a.at THEN y.run_rows - y.rows WHEN y.last_at <= a.at THEN y.run_rows ELSE s.run_rows END AS run_rows,
               CASE WHEN y.first_at > a.at THEN y.run_shared_blks_hit - y.shared_blks_hit WHEN y.last_at <= a.at THEN y.run_shared_blks_hit ELSE s.run_shared_blks_hit END AS run_shared_blks_hit,
               CASE WHEN y.first_at > a.at THEN y.run_shared_blks_read - y.shared_blks_read WHEN y.last_at <= a.at THEN y.run_shared_blks_read ELSE s.run_shared_blks_read END AS run_shared_blks_read,
               CASE WHEN y.first_at > a.at THEN y.run_temp_blks_written - y.temp_blks_written WHEN y.last_at <= a.at THEN y.run_temp_blks_written ELSE s.run_temp_blks_written END AS run_temp_blks_written,
               CASE WHEN y.first_at > a.at THEN y.run_wal_bytes - y.wal_bytes WHEN y.last_at <= a.at THEN y.run_wal_bytes ELSE s.run_wal_bytes END AS run_wal_bytes,
               CASE WHEN y.first_at > a.at THEN y.run_resets - y.resets WHEN y.last_at <= a.at THEN y.run_resets ELSE s.run_resets END AS run_resets
          FROM asked a
          LEFT JOIN day_rows y ON y.day = a.day AND y.dbid = a.dbid AND y.userid = a.userid AND y.queryid = a.queryid AND y.toplevel = a.toplevel
          LEFT JOIN snap_rows s ON s.captured_at = a.snap_at
                               AND s.dbid = a.dbid AND s.userid = a.userid AND s.queryid = a.queryid AND s.toplevel = a.toplevel
    ), totals AS MATERIALIZED (
        -- the entry's latest totals, where its latest interval ended by the end of the window
        SELECT r.dbid, r.userid, r.queryid, r.toplevel, true AS is_end, r.run_calls, r.run_exec_time_ms, r.run_sum_sq_exec_time,
               r.run_plan_time_ms, r.run_rows, r.run_shared_blks_hit, r.run_shared_blks_read, r.run_temp_blks_written,
               r.run_wal_bytes, r.run_resets
          FROM r
         WHERE r.last_at <= p_until
        UNION ALL
        SELECT c.dbid, c.userid, c.queryid, c.toplevel, c.is_end, c.run_calls, c.run_exec_time_ms, c.run_sum_sq_exec_time,
               c.run_plan_time_ms, c.run_rows, c.run_shared_blks_hit, c.run_shared_blks_read, c.run_temp_blks_written,
               c.run_wal_bytes, c.run_resets
          FROM chosen c
         WHERE c.run_calls IS NOT NULL
        UNION ALL
        -- did not run on the end's day: the totals before its first interval after that day
        SELECT c.dbid, c.userid, c.queryid, c.toplevel, c.is_end, n.run_calls - n.calls, n.run_exec_time_ms - n.exec_time_ms,
               n.run_sum_sq_exec_time - n.sum_sq_exec_time, n.run_plan_time_ms - n.plan_time_ms, n.run_rows - n.rows,
               n.run_shared_blks_hit - n.shared_blks_hit, n.run_shared_blks_read - n.shared_blks_read,
               n.run_temp_blks_written - n.temp_blks_written, n.run_wal_bytes - n.wal_bytes, n.run_resets - n.resets
          FROM chosen c
         CROSS JOIN LATERAL (
                SELECT * FROM pgperf.statement_daily x
                 WHERE x.server_id = p_server_id AND x.dbid = c.dbid AND x.userid = c.userid AND x.queryid = c.queryid
                   AND x.toplevel = c.toplevel AND x.day > c.day
                 ORDER BY x.day
                 LIMIT 1) n
         WHERE c.other_day
        UNION ALL
        -- ran on the end's day before and after it, but not in the snapshot just before it: its last interval by then
        SELECT c.dbid, c.userid, c.queryid, c.toplevel, c.is_end, z.run_calls, z.run_exec_time_ms, z.run_sum_sq_exec_time,
               z.run_plan_time_ms, z.run_rows, z.run_shared_blks_hit, z.run_shared_blks_read, z.run_temp_blks_written,
               z.run_wal_bytes, z.run_resets
          FROM chosen c
         CROSS JOIN LATERAL (
                SELECT * FROM pgperf.statement_history z
                 WHERE z.server_id = p_server_id AND z.queryid = c.queryid AND z.dbid = c.dbid AND z.userid = c.userid
                   AND z.toplevel = c.toplevel
                   AND z.captured_at <= c.at AND z.captured_at >= ((c.day)::timestamp AT TIME ZONE 'UTC')
                 ORDER BY z.captured_at DESC
                 LIMIT 1) z
         WHERE NOT c.other_day AND c.run_calls IS NULL
    )
    SELECT e.dbid, e.userid, e.queryid, e.toplevel, e.run_calls - s.run_calls, e.run_exec_time_ms - s.run_exec_time_ms,
           e.run_sum_sq_exec_time - s.run_sum_sq_exec_time, e.run_plan_time_ms - s.run_plan_time_ms, e.run_rows - s.run_rows,
           e.run_shared_blks_hit - s.run_shared_blks_hit, e.run_shared_blks_read - s.run_shared_blks_read,
           e.run_temp_blks_written - s.run_temp_blks_written, e.run_wal_bytes - s.run_wal_bytes, e.run_resets > s.run_resets
      FROM totals e
      JOIN totals s ON s.dbid = e.dbid AND s.userid = e.userid AND s.queryid = e.queryid AND s.toplevel = e.toplevel
     WHERE e.is_end AND NOT s.is_end AND e.run_calls > s.run_calls;
END
$$;

-- This database's own statements (server 0), as since 014.
CREATE OR REPLACE FUNCTION pgperf.statement_window(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    dbid oid, userid oid, queryid bigint, toplevel boolean, calls bigint, exec_time_ms double precision,
    sum_sq_exec_time double precision, plan_time_ms double precision, rows bigint, shared_blks_hit bigint,
    shared_blks_read bigint, temp_blks_written bigint, wal_bytes bigint, counters_reset boolean)
LANGUAGE sql STABLE ROWS 5000
AS $$
    SELECT * FROM pgperf.statement_window(0, p_since, p_until)
$$;

-- Read by nothing since the window above; it read every server's rows together.
DROP FUNCTION pgperf.statement_totals_at(timestamptz, timestamptz);


-- The names of a registered server's databases and roles. Its statements carry its oids (dbid, userid), which mean
-- nothing in the repository's catalog: each repository snapshot stores the server's names here (from pg_database and
-- pg_roles there, readable by any login), and the reports show them. Server 0's names are this database's catalog.
CREATE TABLE pgperf.statement_names (
    server_id integer NOT NULL REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE,
    kind      text NOT NULL CHECK (kind IN ('database', 'role')),
    oid       oid NOT NULL,
    name      text NOT NULL,
    PRIMARY KEY (server_id, kind, oid)
);
COMMENT ON TABLE pgperf.statement_names IS 'PgPerf: database and role names of each registered server, for its statement reports';

-- Stores the names a snapshot read on the server (p_names: a jsonb array of {kind, oid, name}); a dropped
-- database or role keeps its last name, for the history that still carries its oid.
CREATE FUNCTION pgperf.ingest_statement_names(p_server_id integer, p_names jsonb)
RETURNS integer
LANGUAGE sql
AS $$
    WITH up AS (
        INSERT INTO pgperf.statement_names AS n (server_id, kind, oid, name)
        SELECT p_server_id, x.kind, x.oid, x.name
          FROM jsonb_to_recordset(coalesce(p_names, '[]'::jsonb)) AS x (kind text, oid oid, name text)
         WHERE x.kind IN ('database', 'role') AND x.oid IS NOT NULL AND x.name IS NOT NULL
        ON CONFLICT (server_id, kind, oid) DO UPDATE SET name = excluded.name WHERE n.name IS DISTINCT FROM excluded.name
        RETURNING 1
    )
    SELECT count(*)::integer FROM up
$$;

-- The names the statement reports show for one server's oids: this database's catalog for server 0, the stored
-- names for a registered server. Inlined by the planner (one SELECT, STABLE), so the reports join it as a table.
CREATE FUNCTION pgperf.statement_server_names(p_server_id integer)
RETURNS TABLE (kind text, oid oid, name text)
LANGUAGE sql STABLE
AS $$
    SELECT 'database'::text, d.oid, d.datname::text FROM pg_database d WHERE p_server_id = 0
    UNION ALL
    SELECT 'role'::text, r.oid, r.rolname::text FROM pg_roles r WHERE p_server_id = 0
    UNION ALL
    SELECT n.kind, n.oid, n.name FROM pgperf.statement_names n WHERE p_server_id <> 0 AND n.server_id = p_server_id
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON pgperf.statement_names TO pgperf_monitor;
    END IF;
END
$$;
