-- PgPerf schema, version 3: index health (issue 4).
-- Completes index_usage_snapshots (flags, the database's stats_reset, the server start time), adds the
-- audit log of Remove-PgIndex and the spec's functions capture_index_usage_snapshot() and
-- detect_unused_indexes(age_days). History is keyed by schema + index name, never by OID: REINDEX
-- CONCURRENTLY gives the index a new OID and keeps its counters.

ALTER TABLE pgperf.index_usage_snapshots
    ADD COLUMN is_unique           boolean NOT NULL DEFAULT false,
    ADD COLUMN is_primary          boolean NOT NULL DEFAULT false,
    -- backs a primary key, unique or exclusion constraint (its use never shows in idx_scan)
    ADD COLUMN is_constraint       boolean NOT NULL DEFAULT false,
    ADD COLUMN is_replica_identity boolean NOT NULL DEFAULT false,
    ADD COLUMN is_valid            boolean NOT NULL DEFAULT true,
    -- pg_stat_database.stats_reset of this database (NULL when never reset)
    ADD COLUMN stats_reset         timestamptz,
    ADD COLUMN server_started_at   timestamptz,
    -- pg_stat_user_indexes.last_idx_scan on PostgreSQL 16 and later; NULL before
    ADD COLUMN last_idx_scan       timestamptz;

CREATE INDEX index_usage_snapshots_key ON pgperf.index_usage_snapshots (schemaname, indexname, captured_at);
CREATE INDEX index_usage_snapshots_captured_at ON pgperf.index_usage_snapshots (captured_at);

-- One row per Remove-PgIndex: written before the DROP, so the rollback DDL survives a failed or
-- interrupted drop.
CREATE TABLE pgperf.index_drop_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now(),
    dropped_at   timestamptz,
    schemaname   text NOT NULL,
    tablename    text NOT NULL,
    indexname    text NOT NULL,
    size_bytes   bigint,
    drop_sql     text NOT NULL,
    rollback_ddl text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dropped', 'failed')),
    error        text,
    dropped_by   text NOT NULL DEFAULT current_user
);

-- last_idx_scan exists from PostgreSQL 16 on. PL/pgSQL plans a statement only when it runs, so the
-- PostgreSQL 16 branch is never planned on 15 and the function keeps working after an upgrade.
CREATE FUNCTION pgperf.index_last_scan_times()
RETURNS TABLE (indexrelid oid, last_idx_scan timestamptz)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF current_setting('server_version_num')::integer >= 160000 THEN
        RETURN QUERY SELECT s.indexrelid, s.last_idx_scan FROM pg_stat_user_indexes s;
    END IF;
END
$$;

-- The counters of every user index now, in the shape of a snapshot row. Sizes come from relpages
-- (kept by VACUUM, ANALYZE and CREATE INDEX): pg_relation_size() would take a lock per index, and
-- thousands of locks in one statement can exhaust the lock table.
CREATE FUNCTION pgperf.index_usage_current()
RETURNS TABLE (
    captured_at timestamptz, schemaname text, tablename text, indexname text,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, indexrelid oid)
LANGUAGE sql STABLE
AS $$
    SELECT now(), s.schemaname::text, s.relname::text, s.indexrelname::text,
           s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
           c.relpages::bigint * current_setting('block_size')::bigint,
           i.indisunique, i.indisprimary,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')),
           i.indisreplident, i.indisvalid,
           d.stats_reset, pg_postmaster_start_time(), l.last_idx_scan, s.indexrelid
      FROM pg_stat_user_indexes s
      JOIN pg_index i ON i.indexrelid = s.indexrelid
      JOIN pg_class c ON c.oid = s.indexrelid
      CROSS JOIN (SELECT max(stats_reset) AS stats_reset FROM pg_stat_database WHERE datname = current_database()) d
      LEFT JOIN pgperf.index_last_scan_times() l ON l.indexrelid = s.indexrelid
     WHERE s.schemaname <> 'pgperf'
$$;

-- Spec: captures the usage counters of every user index (call hourly). One set-based INSERT ... SELECT;
-- returns the number of rows written.
CREATE FUNCTION pgperf.capture_index_usage_snapshot()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO pgperf.index_usage_snapshots
        (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes,
         is_unique, is_primary, is_constraint, is_replica_identity, is_valid, stats_reset, server_started_at, last_idx_scan)
    SELECT captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes,
           is_unique, is_primary, is_constraint, is_replica_identity, is_valid, stats_reset, server_started_at, last_idx_scan
      FROM pgperf.index_usage_current();
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The usage history of the indexes that exist now: every snapshot since p_since plus one live row
-- (is_live) per index, with what each step between two rows of the same index tells:
--   continuous     the step is observed: stats_reset and the server start are unchanged and no counter
--                  went down (NULL on an index's first row);
--   observed_from  where the observed part of the step begins; from the previous row to here the step is
--                  blind (a reset or a restart lost what happened there);
--   scans          scans during the step: the difference on a continuous step, the new value after a reset
--                  (a lower bound), the value itself on the first row (scans since the counters began).
-- The first row of an index that was present when monitoring began counts from the later of stats_reset
-- and the server start; one that appeared later counts from its first row only.
-- The module applies the same rule in C# (PgPerf.IndexUsageVerdict); tests hold the two together.
CREATE FUNCTION pgperf.index_usage_points(p_since timestamptz, p_schemaname text DEFAULT NULL, p_tablename text DEFAULT NULL)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, captured_at timestamptz,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, is_live boolean,
    prev_captured_at timestamptz, continuous boolean, observed_from timestamptz, scans bigint, tuples_read bigint)
LANGUAGE sql STABLE
AS $$
    WITH cur AS (
        SELECT * FROM pgperf.index_usage_current() c
         WHERE (p_schemaname IS NULL OR c.schemaname = p_schemaname)
           AND (p_tablename IS NULL OR c.tablename = p_tablename)
    ), pts AS (
        SELECT s.schemaname, cur.tablename, s.indexname, s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
               s.index_size_bytes, s.stats_reset, s.server_started_at, s.last_idx_scan, false AS is_live
          FROM pgperf.index_usage_snapshots s
          JOIN cur ON cur.schemaname = s.schemaname AND cur.indexname = s.indexname
         WHERE s.captured_at >= p_since AND s.captured_at < now()
        UNION ALL
        SELECT cur.schemaname, cur.tablename, cur.indexname, cur.captured_at, cur.idx_scan, cur.idx_tup_read, cur.idx_tup_fetch,
               cur.index_size_bytes, cur.stats_reset, cur.server_started_at, cur.last_idx_scan, true
          FROM cur
    ), first_batch AS (
        SELECT min(s.captured_at) AS at FROM pgperf.index_usage_snapshots s WHERE s.captured_at >= p_since AND s.captured_at < now()
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

-- Spec: indexes not used for age_days (default 30) or more, judged on the snapshot history so that a
-- statistics reset, a restart or a short history cannot make a used index look unused:
--   Active            a scan seen in the last 7 days
--   LowUsage          last scan seen 7 to age_days days ago
--   Unused            no scan for age_days days or more of observed time
--   ConsiderDropping  Unused and larger than 10 MB
--   InsufficientData  no scan seen, but less than age_days days observed (take snapshots and wait)
-- Day counts are observed time: blind stretches after resets and restarts do not count.
-- Indexes behind a primary key, unique or exclusion constraint, unique indexes and the replica identity
-- are left out unless p_include_constraint_indexes. Active indexes are not returned.
CREATE FUNCTION pgperf.detect_unused_indexes(
    age_days integer DEFAULT 30,
    p_include_constraint_indexes boolean DEFAULT false,
    p_ignore_stats_age boolean DEFAULT false)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, index_size_bytes bigint, index_size text,
    days_since_last_scan numeric, scans_in_window bigint, observed_days numeric, blind_days numeric,
    blind_gaps integer, last_scan_at timestamptz, status text, definition text)
LANGUAGE sql STABLE
AS $$
    WITH p AS (
        SELECT * FROM pgperf.index_usage_points(now() - make_interval(days => greatest(2 * age_days, 90)))
    ), seen AS (
        SELECT p.schemaname, p.indexname,
               greatest(max(p.captured_at) FILTER (WHERE p.scans > 0), max(p.last_idx_scan) FILTER (WHERE p.is_live)) AS last_seen
          FROM p GROUP BY 1, 2
    ), agg AS (
        SELECT p.schemaname, p.indexname, s.last_seen,
               coalesce(sum(extract(epoch FROM p.captured_at - p.observed_from)), 0) AS observed_s,
               coalesce(sum(extract(epoch FROM p.observed_from - p.prev_captured_at)) FILTER (WHERE NOT p.continuous), 0) AS blind_s,
               count(*) FILTER (WHERE NOT p.continuous)::integer AS blind_gaps,
               coalesce(sum(p.scans) FILTER (WHERE p.captured_at > now() - make_interval(days => age_days)), 0)::bigint AS scans_in_window,
               coalesce(sum(extract(epoch FROM p.captured_at - greatest(p.observed_from, s.last_seen))) FILTER (WHERE p.captured_at > s.last_seen), 0) AS unused_s
          FROM p JOIN seen s ON s.schemaname = p.schemaname AND s.indexname = p.indexname
         GROUP BY 1, 2, 3
    ), judged AS (
        SELECT a.*, cur.tablename, cur.index_size_bytes, cur.indexrelid,
               (cur.is_unique OR cur.is_primary OR cur.is_constraint OR cur.is_replica_identity) AS enforces,
               CASE WHEN a.last_seen IS NULL THEN a.observed_s ELSE a.unused_s END / 86400.0 AS unused_days,
               a.observed_s / 86400.0 AS observed_days
          FROM agg a
          JOIN pgperf.index_usage_current() cur ON cur.schemaname = a.schemaname AND cur.indexname = a.indexname
    ), verdict AS (
        SELECT j.*,
               CASE WHEN j.last_seen IS NULL AND NOT p_ignore_stats_age AND j.observed_days < age_days THEN 'InsufficientData'
                    WHEN j.last_seen IS NOT NULL AND j.unused_days < least(7, age_days) THEN 'Active'
                    WHEN j.last_seen IS NOT NULL AND j.unused_days < age_days THEN 'LowUsage'
                    WHEN j.index_size_bytes > 10 * 1024 * 1024 THEN 'ConsiderDropping'
                    ELSE 'Unused' END AS status
          FROM judged j
         WHERE p_include_constraint_indexes OR NOT j.enforces
    )
    SELECT v.schemaname, v.tablename, v.indexname, v.index_size_bytes, pg_size_pretty(v.index_size_bytes),
           round(v.unused_days::numeric, 1), v.scans_in_window, round(v.observed_days::numeric, 1),
           round((v.blind_s / 86400.0)::numeric, 1), v.blind_gaps, v.last_seen, v.status, pg_get_indexdef(v.indexrelid)
      FROM verdict v
     WHERE v.status <> 'Active'
     ORDER BY v.status = 'ConsiderDropping' DESC, v.index_size_bytes DESC, v.schemaname, v.indexname
$$;

COMMENT ON FUNCTION pgperf.capture_index_usage_snapshot() IS 'PgPerf: snapshot of every user index''s usage counters (call hourly); returns the row count';
COMMENT ON FUNCTION pgperf.detect_unused_indexes(integer, boolean, boolean) IS 'PgPerf: indexes unused for age_days or more, robust to statistics resets and restarts';
