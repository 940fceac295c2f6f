-- PgPerf schema, version 26: index usage history per server, so a central repository stores many (issue 17).
--
-- As 023 did for statements: index_usage_snapshots gets server_id (0 = this database, migration 022's registry row),
-- first in its keys, and the capture is split in two:
--   read    index_usage_read_sql(version): the one query that reads a server's index counters (run there, as any
--           pg_monitor login; nothing of PgPerf is installed there). index_usage_current() runs it here;
--   ingest  ingest_index_usage_snapshot(server_id, readings): the rules of 006 (the step from each index's previous
--           row, running totals) applied to the rows read, for one server.
-- capture_index_usage_snapshot() (psql, pg_cron, Invoke-PgIndexSnapshot without -Repository) is "read here, ingest
-- as server 0": behaviour unchanged. The history readers (index_usage_summary, index_usage_points) take a server and
-- its current reading: the live one here, the latest stored batch in a repository (index_usage_latest).

ALTER TABLE pgperf.index_usage_snapshots ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.index_usage_snapshots DROP CONSTRAINT index_usage_snapshots_pkey,
    ADD CONSTRAINT index_usage_snapshots_pkey PRIMARY KEY (server_id, id);
DROP INDEX pgperf.index_usage_snapshots_key;
CREATE INDEX index_usage_snapshots_key ON pgperf.index_usage_snapshots (server_id, schemaname, indexname, captured_at);
DROP INDEX pgperf.index_usage_snapshots_underived;
CREATE INDEX index_usage_snapshots_underived ON pgperf.index_usage_snapshots (server_id, schemaname, indexname, captured_at)
    WHERE cum_scans IS NULL;
-- a server's latest batch (its "now" in a repository, and the previous batch of its next capture)
CREATE INDEX index_usage_snapshots_server_captured ON pgperf.index_usage_snapshots (server_id, captured_at);

-- One reading of one index, as index_usage_read_sql returns it (index_usage_current()'s columns).
CREATE TYPE pgperf.index_usage_reading AS (
    captured_at timestamptz, schemaname text, tablename text, indexname text,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, indexrelid oid);

-- The counters of every user index now, on a server of the given version: 006's query, with last_idx_scan read by
-- pg_stat_get_lastscan() on 16 and later (NULL before) instead of a PgPerf function, so that it runs anywhere.
CREATE FUNCTION pgperf.index_usage_read_sql(p_server_version_num integer)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT now() AS captured_at, n.nspname::text AS schemaname, t.relname::text AS tablename, c.relname::text AS indexname, '
        'pg_stat_get_numscans(i.indexrelid) AS idx_scan, pg_stat_get_tuples_returned(i.indexrelid) AS idx_tup_read, '
        'pg_stat_get_tuples_fetched(i.indexrelid) AS idx_tup_fetch, '
        'c.relpages::bigint * current_setting(''block_size'')::bigint AS index_size_bytes, '
        'i.indisunique AS is_unique, i.indisprimary AS is_primary, '
        'EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN (''p'', ''u'', ''x'')) AS is_constraint, '
        'i.indisreplident AS is_replica_identity, i.indisvalid AS is_valid, '
        'pg_stat_get_db_stat_reset_time(d.oid) AS stats_reset, pg_postmaster_start_time() AS server_started_at, '
        '%s AS last_idx_scan, i.indexrelid '
        'FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid '
        'JOIN pg_namespace n ON n.oid = t.relnamespace '
        'CROSS JOIN (SELECT oid FROM pg_database WHERE datname = current_database()) d '
        'WHERE t.relkind IN (''r'', ''t'', ''m'') AND n.nspname NOT IN (''pg_catalog'', ''information_schema'', ''pgperf'') '
        'AND n.nspname !~ ''^pg_toast''',
        CASE WHEN p_server_version_num >= 160000 THEN 'pg_stat_get_lastscan(i.indexrelid)' ELSE 'NULL::timestamptz' END)
$$;

-- What a snapshot of a monitored server runs there: the readings as one jsonb array of index_usage_reading.
CREATE FUNCTION pgperf.index_usage_reading_sql(p_server_version_num integer)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format('SELECT coalesce(jsonb_agg(r), ''[]''::jsonb) FROM (%s) r', pgperf.index_usage_read_sql(p_server_version_num))
$$;

CREATE OR REPLACE FUNCTION pgperf.index_usage_current()
RETURNS TABLE (
    captured_at timestamptz, schemaname text, tablename text, indexname text,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, indexrelid oid)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN QUERY EXECUTE pgperf.index_usage_read_sql(current_setting('server_version_num')::integer);
END
$$;

-- This database's readings now, as the history readers take them.
CREATE FUNCTION pgperf.index_usage_current_readings()
RETURNS pgperf.index_usage_reading[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(SELECT ROW(c.*)::pgperf.index_usage_reading FROM pgperf.index_usage_current() c)
$$;

-- A server's latest stored batch as readings: what a repository knows of "now" for that server (no indexrelid: the
-- OIDs are the monitored server's).
CREATE FUNCTION pgperf.index_usage_latest(p_server_id integer)
RETURNS pgperf.index_usage_reading[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(
        SELECT ROW(s.captured_at, s.schemaname, s.tablename, s.indexname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
                   s.index_size_bytes, s.is_unique, s.is_primary, s.is_constraint, s.is_replica_identity, s.is_valid,
                   s.stats_reset, s.server_started_at, s.last_idx_scan, NULL::oid)::pgperf.index_usage_reading
          FROM pgperf.index_usage_snapshots s
         WHERE s.server_id = p_server_id
           AND s.captured_at = (SELECT max(m.captured_at) FROM pgperf.index_usage_snapshots m WHERE m.server_id = p_server_id))
$$;

-- 006's derivation, per server: the entries are server + schema + index + time (all rows of every server when
-- p_server_ids is NULL).
CREATE FUNCTION pgperf.derive_index_usage_steps(
    p_server_ids integer[], p_schemanames text[], p_indexnames text[], p_from timestamptz[])
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    n bigint;
BEGIN
    WITH k AS (
        SELECT u.server_id, u.schemaname, u.indexname, min(u.from_at) AS from_at
          FROM unnest(p_server_ids, p_schemanames, p_indexnames, p_from) AS u(server_id, schemaname, indexname, from_at)
         WHERE p_server_ids IS NOT NULL
         GROUP BY 1, 2, 3
        UNION ALL
        SELECT DISTINCT s.server_id, s.schemaname, s.indexname, '-infinity'::timestamptz
          FROM pgperf.index_usage_snapshots s
         WHERE p_server_ids IS NULL
    ), b AS (
        SELECT k.*, coalesce((SELECT max(s.captured_at) FROM pgperf.index_usage_snapshots s
                               WHERE s.server_id = k.server_id AND s.schemaname = k.schemaname AND s.indexname = k.indexname
                                 AND s.captured_at < k.from_at),
                             '-infinity') AS base_at
          FROM k
    ), w AS (
        SELECT s.server_id, s.id, s.schemaname, s.indexname, s.captured_at, s.captured_at < b.from_at AS is_base,
               s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.stats_reset, s.server_started_at,
               s.cum_observed_seconds AS base_observed, s.cum_blind_seconds AS base_blind, s.cum_blind_gaps AS base_gaps,
               s.cum_scans AS base_scans, s.last_scan_step_at AS base_last_scan,
               lag(s.captured_at) OVER k AS prev_at, lag(s.idx_scan) OVER k AS prev_scan,
               lag(s.idx_tup_read) OVER k AS prev_read, lag(s.idx_tup_fetch) OVER k AS prev_fetch,
               lag(s.stats_reset) OVER k AS prev_reset, lag(s.server_started_at) OVER k AS prev_start
          FROM b JOIN pgperf.index_usage_snapshots s
            ON s.server_id = b.server_id AND s.schemaname = b.schemaname AND s.indexname = b.indexname AND s.captured_at >= b.base_at
        WINDOW k AS (PARTITION BY s.server_id, s.schemaname, s.indexname ORDER BY s.captured_at, s.id)
    ), st AS (
        SELECT w.server_id, w.id, w.schemaname, w.indexname, w.captured_at, w.is_base, x.*,
               CASE WHEN w.is_base THEN w.base_observed ELSE x.observed_seconds END AS add_observed,
               CASE WHEN w.is_base THEN w.base_blind ELSE x.blind_seconds END AS add_blind,
               CASE WHEN w.is_base THEN w.base_gaps ELSE coalesce((x.continuous = false)::integer, 0) END AS add_gaps,
               CASE WHEN w.is_base THEN w.base_scans ELSE x.scans END AS add_scans,
               CASE WHEN w.is_base THEN w.base_last_scan WHEN x.scans > 0 THEN w.captured_at END AS scan_at
          FROM w CROSS JOIN LATERAL pgperf.index_usage_step(
                   w.captured_at, w.idx_scan, w.idx_tup_read, w.idx_tup_fetch, w.stats_reset, w.server_started_at,
                   w.prev_at, w.prev_scan, w.prev_read, w.prev_fetch, w.prev_reset, w.prev_start) x
    ), c AS (
        SELECT st.server_id, st.id, st.is_base, st.continuous, st.observed_from, st.scans, st.observed_seconds, st.blind_seconds,
               sum(st.add_observed) OVER k AS cum_observed_seconds, sum(st.add_blind) OVER k AS cum_blind_seconds,
               sum(st.add_gaps) OVER k AS cum_blind_gaps, sum(st.add_scans) OVER k AS cum_scans,
               max(st.scan_at) OVER k AS last_scan_step_at
          FROM st
        WINDOW k AS (PARTITION BY st.server_id, st.schemaname, st.indexname ORDER BY st.captured_at, st.id ROWS UNBOUNDED PRECEDING)
    )
    UPDATE pgperf.index_usage_snapshots s
       SET continuous = c.continuous, observed_from = c.observed_from, scans = c.scans,
           observed_seconds = c.observed_seconds, blind_seconds = c.blind_seconds,
           cum_observed_seconds = c.cum_observed_seconds, cum_blind_seconds = c.cum_blind_seconds,
           cum_blind_gaps = c.cum_blind_gaps, cum_scans = c.cum_scans, last_scan_step_at = c.last_scan_step_at
      FROM c
     WHERE s.server_id = c.server_id AND s.id = c.id AND NOT c.is_base
       AND (s.continuous, s.observed_from, s.scans, s.observed_seconds, s.blind_seconds, s.cum_observed_seconds,
            s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans, s.last_scan_step_at)
           IS DISTINCT FROM
           (c.continuous, c.observed_from, c.scans, c.observed_seconds, c.blind_seconds, c.cum_observed_seconds,
            c.cum_blind_seconds, c.cum_blind_gaps, c.cum_scans, c.last_scan_step_at);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION pgperf.derive_index_usage_steps(integer[], text[], text[], timestamptz[]) IS 'PgPerf: recomputes stored index usage steps and running totals, per server';

-- 006's signature: entries of server 0 (this database); all rows of every server without arguments.
CREATE OR REPLACE FUNCTION pgperf.derive_index_usage_steps(
    p_schemanames text[] DEFAULT NULL, p_indexnames text[] DEFAULT NULL, p_from timestamptz[] DEFAULT NULL)
RETURNS bigint
LANGUAGE sql
AS $$
    SELECT pgperf.derive_index_usage_steps(
        CASE WHEN p_schemanames IS NOT NULL THEN array_fill(0, ARRAY[cardinality(p_schemanames)]) END,
        p_schemanames, p_indexnames, p_from)
$$;

-- 006's triggers, with each server's rows kept apart.
CREATE OR REPLACE FUNCTION pgperf.index_usage_snapshots_changed()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.server_id), array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT r.server_id, r.schemaname, r.indexname, min(r.captured_at) AS from_at
                   FROM new_rows r WHERE r.cum_scans IS NULL GROUP BY 1, 2, 3) k
         HAVING count(*) > 0;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only changes to what a step is made of; the derivation's own UPDATE changes none of it.
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.server_id), array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT x.server_id, x.schemaname, x.indexname, min(x.captured_at) AS from_at
                   FROM old_rows o JOIN new_rows n ON n.id = o.id
                  CROSS JOIN LATERAL (VALUES (o.server_id, o.schemaname, o.indexname, least(o.captured_at, n.captured_at)),
                                             (n.server_id, n.schemaname, n.indexname, least(o.captured_at, n.captured_at))) x(server_id, schemaname, indexname, captured_at)
                  WHERE n.cum_scans IS NULL
                     OR (o.server_id, o.schemaname, o.indexname, o.captured_at, o.idx_scan, o.idx_tup_read, o.idx_tup_fetch, o.stats_reset, o.server_started_at)
                        IS DISTINCT FROM
                        (n.server_id, n.schemaname, n.indexname, n.captured_at, n.idx_scan, n.idx_tup_read, n.idx_tup_fetch, n.stats_reset, n.server_started_at)
                  GROUP BY 1, 2, 3) k
         HAVING count(*) > 0;
    ELSE
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.server_id), array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT o.server_id, o.schemaname, o.indexname, min(o.captured_at) AS from_at, max(o.captured_at) AS to_at
                   FROM old_rows o GROUP BY 1, 2, 3) k
          WHERE EXISTS (SELECT 1 FROM pgperf.index_usage_snapshots s
                         WHERE s.server_id = k.server_id AND s.schemaname = k.schemaname AND s.indexname = k.indexname
                           AND s.captured_at < k.to_at)
         HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;

-- One snapshot of a server at a time: two at once would both build on the same previous batch.
CREATE FUNCTION pgperf.lock_index_usage_snapshot(p_server_id integer)
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('pgperf.capture_index_usage_snapshot'), p_server_id)
$$;

-- 006's capture, for one server and the readings given (index_usage_read_sql's rows, read there). Each row's step
-- is derived against the latest row of its index of that server. Returns the rows written and their time.
CREATE FUNCTION pgperf.ingest_index_usage_snapshot(p_server_id integer, p_readings pgperf.index_usage_reading[])
RETURNS TABLE (rows_written integer, captured_at timestamptz)
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pgperf.monitored_servers s WHERE s.server_id = p_server_id) THEN
        RAISE EXCEPTION 'pgperf.ingest_index_usage_snapshot: server % is not registered in pgperf.monitored_servers', p_server_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM pgperf.lock_index_usage_snapshot(p_server_id);

    -- Rows left underived (loaded with triggers off, for example) come first: the new steps build on them.
    PERFORM pgperf.derive_index_usage_steps(array_agg(k.server_id), array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
       FROM (SELECT s.server_id, s.schemaname, s.indexname, min(s.captured_at) AS from_at
               FROM pgperf.index_usage_snapshots s WHERE s.server_id = p_server_id AND s.cum_scans IS NULL GROUP BY 1, 2, 3) k
     HAVING count(*) > 0;

    INSERT INTO pgperf.index_usage_snapshots
        (server_id, captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes,
         is_unique, is_primary, is_constraint, is_replica_identity, is_valid, stats_reset, server_started_at, last_idx_scan,
         continuous, observed_from, scans, observed_seconds, blind_seconds,
         cum_observed_seconds, cum_blind_seconds, cum_blind_gaps, cum_scans, last_scan_step_at)
    SELECT p_server_id, c.captured_at, c.schemaname, c.tablename, c.indexname, c.idx_scan, c.idx_tup_read, c.idx_tup_fetch, c.index_size_bytes,
           c.is_unique, c.is_primary, c.is_constraint, c.is_replica_identity, c.is_valid, c.stats_reset, c.server_started_at, c.last_idx_scan,
           x.continuous, x.observed_from, x.scans, x.observed_seconds, x.blind_seconds,
           coalesce(p.cum_observed_seconds, 0) + x.observed_seconds, coalesce(p.cum_blind_seconds, 0) + x.blind_seconds,
           coalesce(p.cum_blind_gaps, 0) + coalesce((x.continuous = false)::integer, 0), coalesce(p.cum_scans, 0) + x.scans,
           CASE WHEN x.scans > 0 THEN c.captured_at ELSE p.last_scan_step_at END
      FROM unnest(p_readings) c
      -- The previous capture of this server wrote one row per index at one time: that batch holds the latest row of
      -- almost every index and is read in one range scan.
      LEFT JOIN (
            SELECT DISTINCT ON (s.schemaname, s.indexname) s.*
              FROM pgperf.index_usage_snapshots s
             WHERE s.server_id = p_server_id
               AND s.captured_at = (SELECT max(m.captured_at) FROM pgperf.index_usage_snapshots m WHERE m.server_id = p_server_id)
             ORDER BY s.schemaname, s.indexname, s.id DESC) lb
        ON lb.schemaname = c.schemaname AND lb.indexname = c.indexname
      -- An index missing from it (new, or left out of the last batch) looks up its own latest row.
      LEFT JOIN LATERAL (
            SELECT lb.captured_at, lb.idx_scan, lb.idx_tup_read, lb.idx_tup_fetch, lb.stats_reset, lb.server_started_at,
                   lb.cum_observed_seconds, lb.cum_blind_seconds, lb.cum_blind_gaps, lb.cum_scans, lb.last_scan_step_at
             WHERE lb.id IS NOT NULL
            UNION ALL
            (SELECT s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.stats_reset, s.server_started_at,
                    s.cum_observed_seconds, s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans, s.last_scan_step_at
               FROM pgperf.index_usage_snapshots s
              WHERE lb.id IS NULL AND s.server_id = p_server_id AND s.schemaname = c.schemaname AND s.indexname = c.indexname
              ORDER BY s.captured_at DESC
              LIMIT 1)) p ON true
      -- NULL in, NULL out: a row that is not the latest of its index stays underived (the trigger takes it).
      LEFT JOIN LATERAL pgperf.index_usage_step(
            c.captured_at, c.idx_scan, c.idx_tup_read, c.idx_tup_fetch, c.stats_reset, c.server_started_at,
            p.captured_at, p.idx_scan, p.idx_tup_read, p.idx_tup_fetch, p.stats_reset, p.server_started_at) x
        ON p.captured_at IS NULL OR p.captured_at < c.captured_at;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN QUERY SELECT n, (SELECT max(r.captured_at) FROM unnest(p_readings) r);
END
$$;

-- Spec entry point: this database's own indexes, read here and ingested as server 0. Returns the row count.
CREATE OR REPLACE FUNCTION pgperf.capture_index_usage_snapshot()
RETURNS integer
LANGUAGE sql
AS $$
    SELECT i.rows_written FROM pgperf.ingest_index_usage_snapshot(0, pgperf.index_usage_current_readings()) i
$$;

-- 021's summary for one server, its current readings given (index_usage_current_readings() here,
-- index_usage_latest(server) in a repository: the latest batch is then "now", and the history is what came before).
CREATE FUNCTION pgperf.index_usage_summary(p_server_id integer, p_current pgperf.index_usage_reading[],
                                           p_since timestamptz, p_age_days integer)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean, indexrelid oid,
    observed_since timestamptz, observed_seconds numeric, blind_seconds numeric, blind_gaps integer,
    scans_in_window bigint, last_seen timestamptz, unused_seconds numeric)
LANGUAGE sql STABLE
AS $$
    WITH fb AS (
        -- when monitoring began (in the window): an index first seen later was created later
        SELECT min(s.captured_at) AS at FROM pgperf.index_usage_snapshots s
         WHERE s.server_id = p_server_id AND s.captured_at >= p_since AND s.captured_at < now()
    ), e AS (
        SELECT c.*, fb.at AS fb_at,
               f.captured_at AS f_at, f.idx_scan AS f_scan, f.stats_reset AS f_reset, f.server_started_at AS f_start,
               f.cum_observed_seconds AS f_observed, f.cum_blind_seconds AS f_blind, f.cum_blind_gaps AS f_gaps, f.cum_scans AS f_scans,
               l.captured_at AS l_at, l.idx_scan AS l_scan, l.idx_tup_read AS l_read, l.idx_tup_fetch AS l_fetch,
               l.stats_reset AS l_reset, l.server_started_at AS l_start,
               l.cum_observed_seconds AS l_observed, l.cum_blind_seconds AS l_blind, l.cum_blind_gaps AS l_gaps, l.cum_scans AS l_scans,
               l.last_scan_step_at AS l_last_scan, b.cum_scans AS b_scans
          FROM unnest(p_current) c
         CROSS JOIN fb
          LEFT JOIN LATERAL (
                SELECT s.captured_at, s.idx_scan, s.stats_reset, s.server_started_at,
                       s.cum_observed_seconds, s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.server_id = p_server_id AND s.schemaname = c.schemaname AND s.indexname = c.indexname
                   AND s.captured_at >= p_since AND s.captured_at < c.captured_at
                 ORDER BY s.captured_at LIMIT 1) f ON true
          LEFT JOIN LATERAL (
                SELECT s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.stats_reset, s.server_started_at,
                       s.cum_observed_seconds, s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans, s.last_scan_step_at
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.server_id = p_server_id AND s.schemaname = c.schemaname AND s.indexname = c.indexname
                   AND s.captured_at >= p_since AND s.captured_at < c.captured_at
                 ORDER BY s.captured_at DESC LIMIT 1) l ON true
          -- the last reading before the scan window: scans after it are the difference of the totals
          LEFT JOIN LATERAL (
                SELECT s.cum_scans
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.server_id = p_server_id AND s.schemaname = c.schemaname AND s.indexname = c.indexname
                   AND s.captured_at >= p_since AND s.captured_at <= c.captured_at - make_interval(days => p_age_days)
                 ORDER BY s.captured_at DESC LIMIT 1) b ON true
    ), g AS (
        SELECT e.*, x.*,
               CASE WHEN e.f_at IS NULL THEN NULL
                    WHEN e.fb_at IS NOT NULL AND e.f_at > e.fb_at THEN e.f_at
                    ELSE least(e.f_at, coalesce(greatest(e.f_reset, e.f_start), e.f_at)) END AS first_from,
               CASE WHEN e.l_at IS NULL AND e.fb_at IS NOT NULL AND e.captured_at > e.fb_at THEN e.captured_at
                    ELSE x.observed_from END AS live_from
          FROM e
         CROSS JOIN LATERAL pgperf.index_usage_step(
                e.captured_at, e.idx_scan, e.idx_tup_read, e.idx_tup_fetch, e.stats_reset, e.server_started_at,
                e.l_at, e.l_scan, e.l_read, e.l_fetch, e.l_reset, e.l_start) x
    ), h AS (
        SELECT g.*,
               extract(epoch FROM g.captured_at - g.live_from) AS live_observed,
               coalesce(g.last_idx_scan,
                        greatest(CASE WHEN g.scans > 0 THEN g.captured_at END,
                                 CASE WHEN g.l_last_scan > g.f_at THEN g.l_last_scan END,
                                 CASE WHEN g.f_scan > 0 THEN g.f_at END)) AS seen
          FROM g
    )
    SELECT h.schemaname, h.tablename, h.indexname, h.index_size_bytes,
           h.is_unique, h.is_primary, h.is_constraint, h.is_replica_identity, h.is_valid, h.indexrelid,
           coalesce(h.first_from, h.live_from),
           coalesce(extract(epoch FROM h.f_at - h.first_from) + h.l_observed - h.f_observed, 0) + h.live_observed,
           coalesce(h.l_blind - h.f_blind, 0) + h.blind_seconds,
           coalesce(h.l_gaps - h.f_gaps, 0) + coalesce((h.continuous = false)::integer, 0),
           CASE WHEN h.f_at IS NULL THEN 0
                WHEN h.b_scans IS NOT NULL THEN h.l_scans - h.b_scans
                ELSE h.f_scan + h.l_scans - h.f_scans END + h.scans,
           h.seen,
           CASE WHEN h.seen IS NULL THEN NULL
                WHEN h.last_idx_scan IS NOT NULL THEN greatest(extract(epoch FROM h.captured_at - h.last_idx_scan), 0)
                WHEN j.captured_at IS NOT NULL
                     THEN extract(epoch FROM j.captured_at - greatest(CASE WHEN j.captured_at = h.f_at THEN h.first_from ELSE j.observed_from END, h.seen))
                          + h.l_observed - j.cum_observed_seconds + h.live_observed
                WHEN h.captured_at > h.seen THEN extract(epoch FROM h.captured_at - greatest(h.live_from, h.seen))
                ELSE 0 END
      FROM h
      -- the first reading after the last scan seen: observed time since then is the rest of the totals
      -- (not needed when the server gave the last scan time)
      LEFT JOIN LATERAL (
            SELECT s.captured_at, s.observed_from, s.cum_observed_seconds
              FROM pgperf.index_usage_snapshots s
             WHERE h.last_idx_scan IS NULL
               AND s.server_id = p_server_id AND s.schemaname = h.schemaname AND s.indexname = h.indexname AND s.captured_at > h.seen
               AND s.captured_at >= p_since AND s.captured_at < h.captured_at
             ORDER BY s.captured_at LIMIT 1) j ON true
$$;

-- 021's signature: this database (server 0), read live.
CREATE OR REPLACE FUNCTION pgperf.index_usage_summary(p_since timestamptz, p_age_days integer)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean, indexrelid oid,
    observed_since timestamptz, observed_seconds numeric, blind_seconds numeric, blind_gaps integer,
    scans_in_window bigint, last_seen timestamptz, unused_seconds numeric)
LANGUAGE sql STABLE
AS $$
    SELECT * FROM pgperf.index_usage_summary(0, pgperf.index_usage_current_readings(), p_since, p_age_days)
$$;

-- 003's points for one server, its current readings given (as for the summary).
CREATE FUNCTION pgperf.index_usage_points(p_server_id integer, p_current pgperf.index_usage_reading[], p_since timestamptz,
                                          p_schemaname text DEFAULT NULL, p_tablename text DEFAULT NULL)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, captured_at timestamptz,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, is_live boolean,
    prev_captured_at timestamptz, continuous boolean, observed_from timestamptz, scans bigint, tuples_read bigint)
LANGUAGE sql STABLE
AS $$
    WITH cur AS (
        SELECT * FROM unnest(p_current) c
         WHERE (p_schemaname IS NULL OR c.schemaname = p_schemaname)
           AND (p_tablename IS NULL OR c.tablename = p_tablename)
    ), pts AS (
        SELECT s.schemaname, cur.tablename, s.indexname, s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
               s.index_size_bytes, s.stats_reset, s.server_started_at, s.last_idx_scan, false AS is_live
          FROM pgperf.index_usage_snapshots s
          JOIN cur ON cur.schemaname = s.schemaname AND cur.indexname = s.indexname
         WHERE s.server_id = p_server_id AND s.captured_at >= p_since AND s.captured_at < cur.captured_at
        UNION ALL
        SELECT cur.schemaname, cur.tablename, cur.indexname, cur.captured_at, cur.idx_scan, cur.idx_tup_read, cur.idx_tup_fetch,
               cur.index_size_bytes, cur.stats_reset, cur.server_started_at, cur.last_idx_scan, true
          FROM cur
    ), first_batch AS (
        SELECT min(s.captured_at) AS at FROM pgperf.index_usage_snapshots s
         WHERE s.server_id = p_server_id AND s.captured_at >= p_since AND s.captured_at < now()
    ), w AS (
        SELECT p.*,
               lag(p.captured_at) OVER k AS prev_at, lag(p.idx_scan) OVER k AS prev_scan,
               lag(p.idx_tup_read) OVER k AS prev_read, lag(p.idx_tup_fetch) OVER k AS prev_fetch,
               lag(p.stats_reset) OVER k AS prev_reset, lag(p.server_started_at) OVER k AS prev_start,
               greatest(p.stats_reset, p.server_started_at) AS origin
          FROM pts p
        WINDOW k AS (PARTITION BY p.schemaname, p.indexname ORDER BY p.captured_at)
    ), steps AS (
        SELECT w.*,
               CASE WHEN w.prev_at IS NULL THEN NULL
                    ELSE w.stats_reset IS NOT DISTINCT FROM w.prev_reset AND w.server_started_at IS NOT DISTINCT FROM w.prev_start
                         AND w.idx_scan >= w.prev_scan AND w.idx_tup_read >= w.prev_read AND w.idx_tup_fetch >= w.prev_fetch
               END AS cont,
               (w.stats_reset IS DISTINCT FROM w.prev_reset OR w.idx_scan < w.prev_scan
                OR w.idx_tup_read < w.prev_read OR w.idx_tup_fetch < w.prev_fetch) AS was_reset
          FROM w
    )
    SELECT s.schemaname, s.tablename, s.indexname, s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
           s.index_size_bytes, s.stats_reset, s.server_started_at, s.last_idx_scan, s.is_live,
           s.prev_at, s.cont,
           CASE WHEN s.prev_at IS NULL THEN
                     CASE WHEN fb.at IS NOT NULL AND s.captured_at > fb.at THEN s.captured_at
                          ELSE least(s.captured_at, coalesce(s.origin, s.captured_at)) END
                WHEN s.cont THEN s.prev_at
                WHEN s.origin > s.prev_at AND s.origin <= s.captured_at THEN s.origin
                ELSE s.captured_at END,
           CASE WHEN s.prev_at IS NULL OR s.was_reset THEN s.idx_scan
                ELSE greatest(s.idx_scan - s.prev_scan, 0) END,
           CASE WHEN s.prev_at IS NULL OR s.was_reset THEN s.idx_tup_read
                ELSE greatest(s.idx_tup_read - s.prev_read, 0) END
      FROM steps s CROSS JOIN first_batch fb
$$;

-- 003's signature: this database (server 0), read live.
CREATE OR REPLACE FUNCTION pgperf.index_usage_points(p_since timestamptz, p_schemaname text DEFAULT NULL, p_tablename text DEFAULT NULL)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, captured_at timestamptz,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, is_live boolean,
    prev_captured_at timestamptz, continuous boolean, observed_from timestamptz, scans bigint, tuples_read bigint)
LANGUAGE sql STABLE
AS $$
    SELECT * FROM pgperf.index_usage_points(0, pgperf.index_usage_current_readings(), p_since, p_schemaname, p_tablename)
$$;

-- Removing a server deletes its index usage history with it: pgperf.remove_monitored_server, redefined in 027.
