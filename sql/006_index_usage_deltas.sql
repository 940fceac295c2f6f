-- PgPerf schema, version 6: index usage steps stored at capture time (follow-up of issue 4).
-- Until now the unused-index verdict read every snapshot of its 90-day look-back through window functions
-- (about 9 s per week of hourly history for 6,000 indexes). Each snapshot row now also keeps what the step
-- from the previous row of the same schema + index tells (continuity, observed time, blind time, scans)
-- and running totals of those per index, so a report reads a handful of rows per index instead of the
-- whole window: the sum over a window is the difference of two running totals.
-- The rule itself is unchanged (pgperf.index_usage_points in 003 and PgPerf.IndexUsageVerdict in C#
-- are the reference; tests hold them together).

ALTER TABLE pgperf.index_usage_snapshots
    -- the step from the previous row of the same schema + index (NULL on an index's first row)
    ADD COLUMN continuous        boolean,
    -- where the observed part of the step begins; before it, back to the previous row, the step is blind
    ADD COLUMN observed_from     timestamptz,
    -- scans during the step: the difference, the new value after a reset (a lower bound), the value on the first row
    ADD COLUMN scans             bigint,
    ADD COLUMN observed_seconds  numeric,
    ADD COLUMN blind_seconds     numeric,
    -- running totals over the index's rows up to this one; NULL until derived (see derive_index_usage_steps)
    ADD COLUMN cum_observed_seconds numeric,
    ADD COLUMN cum_blind_seconds numeric,
    ADD COLUMN cum_blind_gaps    integer,
    ADD COLUMN cum_scans         bigint,
    -- the latest captured_at up to this row whose step had scans
    ADD COLUMN last_scan_step_at timestamptz;

-- What one step between two readings of an index tells (the previous reading's arguments NULL on its
-- first reading). Written once, used by capture, derivation and the reports; inlined by the planner.
CREATE FUNCTION pgperf.index_usage_step(
    p_captured_at timestamptz, p_idx_scan bigint, p_idx_tup_read bigint, p_idx_tup_fetch bigint,
    p_stats_reset timestamptz, p_server_started_at timestamptz,
    p_prev_captured_at timestamptz, p_prev_idx_scan bigint, p_prev_idx_tup_read bigint, p_prev_idx_tup_fetch bigint,
    p_prev_stats_reset timestamptz, p_prev_server_started_at timestamptz)
RETURNS TABLE (continuous boolean, observed_from timestamptz, scans bigint, observed_seconds numeric, blind_seconds numeric)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT x.cont, x.observed_from, x.scans,
           extract(epoch FROM p_captured_at - x.observed_from),
           CASE WHEN x.cont = false THEN extract(epoch FROM x.observed_from - p_prev_captured_at) ELSE 0 END
      FROM (SELECT c.cont,
                   CASE WHEN p_prev_captured_at IS NULL THEN least(p_captured_at, coalesce(c.origin, p_captured_at))
                        WHEN c.cont THEN p_prev_captured_at
                        WHEN c.origin > p_prev_captured_at AND c.origin <= p_captured_at THEN c.origin
                        ELSE p_captured_at END AS observed_from,
                   CASE WHEN p_prev_captured_at IS NULL OR c.was_reset THEN p_idx_scan
                        ELSE greatest(p_idx_scan - p_prev_idx_scan, 0) END AS scans
              FROM (SELECT greatest(p_stats_reset, p_server_started_at) AS origin,
                           CASE WHEN p_prev_captured_at IS NULL THEN NULL
                                ELSE p_stats_reset IS NOT DISTINCT FROM p_prev_stats_reset
                                     AND p_server_started_at IS NOT DISTINCT FROM p_prev_server_started_at
                                     AND p_idx_scan >= p_prev_idx_scan AND p_idx_tup_read >= p_prev_idx_tup_read
                                     AND p_idx_tup_fetch >= p_prev_idx_tup_fetch END AS cont,
                           (p_stats_reset IS DISTINCT FROM p_prev_stats_reset OR p_idx_scan < p_prev_idx_scan
                            OR p_idx_tup_read < p_prev_idx_tup_read OR p_idx_tup_fetch < p_prev_idx_tup_fetch) AS was_reset) c) x
$$;

-- Recomputes the stored steps and running totals of the given indexes from the given time on (one
-- entry per schema + index + time; all rows of every index when called without arguments). The rows
-- before that time are taken as right: the totals continue from the last of them. Set-based; returns
-- the number of rows changed. Capture derives its own rows; this serves loads of past rows, edits and
-- the backfill below.
CREATE FUNCTION pgperf.derive_index_usage_steps(
    p_schemanames text[] DEFAULT NULL, p_indexnames text[] DEFAULT NULL, p_from timestamptz[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    n bigint;
BEGIN
    WITH k AS (
        SELECT u.schemaname, u.indexname, min(u.from_at) AS from_at
          FROM unnest(p_schemanames, p_indexnames, p_from) AS u(schemaname, indexname, from_at)
         WHERE p_schemanames IS NOT NULL
         GROUP BY 1, 2
        UNION ALL
        SELECT DISTINCT s.schemaname, s.indexname, '-infinity'::timestamptz
          FROM pgperf.index_usage_snapshots s
         WHERE p_schemanames IS NULL
    ), b AS (
        SELECT k.*, coalesce((SELECT max(s.captured_at) FROM pgperf.index_usage_snapshots s
                               WHERE s.schemaname = k.schemaname AND s.indexname = k.indexname AND s.captured_at < k.from_at),
                             '-infinity') AS base_at
          FROM k
    ), w AS (
        SELECT s.id, s.schemaname, s.indexname, s.captured_at, s.captured_at < b.from_at AS is_base,
               s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.stats_reset, s.server_started_at,
               s.cum_observed_seconds AS base_observed, s.cum_blind_seconds AS base_blind, s.cum_blind_gaps AS base_gaps,
               s.cum_scans AS base_scans, s.last_scan_step_at AS base_last_scan,
               lag(s.captured_at) OVER k AS prev_at, lag(s.idx_scan) OVER k AS prev_scan,
               lag(s.idx_tup_read) OVER k AS prev_read, lag(s.idx_tup_fetch) OVER k AS prev_fetch,
               lag(s.stats_reset) OVER k AS prev_reset, lag(s.server_started_at) OVER k AS prev_start
          FROM b JOIN pgperf.index_usage_snapshots s
            ON s.schemaname = b.schemaname AND s.indexname = b.indexname AND s.captured_at >= b.base_at
        WINDOW k AS (PARTITION BY s.schemaname, s.indexname ORDER BY s.captured_at, s.id)
    ), st AS (
        SELECT w.id, w.schemaname, w.indexname, w.captured_at, w.is_base, x.*,
               CASE WHEN w.is_base THEN w.base_observed ELSE x.observed_seconds END AS add_observed,
               CASE WHEN w.is_base THEN w.base_blind ELSE x.blind_seconds END AS add_blind,
               CASE WHEN w.is_base THEN w.base_gaps ELSE coalesce((x.continuous = false)::integer, 0) END AS add_gaps,
               CASE WHEN w.is_base THEN w.base_scans ELSE x.scans END AS add_scans,
               CASE WHEN w.is_base THEN w.base_last_scan WHEN x.scans > 0 THEN w.captured_at END AS scan_at
          FROM w CROSS JOIN LATERAL pgperf.index_usage_step(
                   w.captured_at, w.idx_scan, w.idx_tup_read, w.idx_tup_fetch, w.stats_reset, w.server_started_at,
                   w.prev_at, w.prev_scan, w.prev_read, w.prev_fetch, w.prev_reset, w.prev_start) x
    ), c AS (
        SELECT st.id, st.is_base, st.continuous, st.observed_from, st.scans, st.observed_seconds, st.blind_seconds,
               sum(st.add_observed) OVER k AS cum_observed_seconds, sum(st.add_blind) OVER k AS cum_blind_seconds,
               sum(st.add_gaps) OVER k AS cum_blind_gaps, sum(st.add_scans) OVER k AS cum_scans,
               max(st.scan_at) OVER k AS last_scan_step_at
          FROM st
        WINDOW k AS (PARTITION BY st.schemaname, st.indexname ORDER BY st.captured_at, st.id ROWS UNBOUNDED PRECEDING)
    )
    UPDATE pgperf.index_usage_snapshots s
       SET continuous = c.continuous, observed_from = c.observed_from, scans = c.scans,
           observed_seconds = c.observed_seconds, blind_seconds = c.blind_seconds,
           cum_observed_seconds = c.cum_observed_seconds, cum_blind_seconds = c.cum_blind_seconds,
           cum_blind_gaps = c.cum_blind_gaps, cum_scans = c.cum_scans, last_scan_step_at = c.last_scan_step_at
      FROM c
     WHERE s.id = c.id AND NOT c.is_base
       AND (s.continuous, s.observed_from, s.scans, s.observed_seconds, s.blind_seconds, s.cum_observed_seconds,
            s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans, s.last_scan_step_at)
           IS DISTINCT FROM
           (c.continuous, c.observed_from, c.scans, c.observed_seconds, c.blind_seconds, c.cum_observed_seconds,
            c.cum_blind_seconds, c.cum_blind_gaps, c.cum_scans, c.last_scan_step_at);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Backfill the history captured so far.
SELECT pgperf.derive_index_usage_steps();

-- Rows not derived yet (none, normally): capture finds them without reading the history.
CREATE INDEX index_usage_snapshots_underived ON pgperf.index_usage_snapshots (schemaname, indexname, captured_at)
    WHERE cum_scans IS NULL;

-- Rows written by anything other than capture (past rows loaded by hand or by tests, edits, deletes in the
-- middle of a history) re-derive the indexes they touch, from the earliest row touched on. Deleting the
-- oldest rows (retention) needs nothing: a report never builds on a step older than its window.
CREATE FUNCTION pgperf.index_usage_snapshots_changed()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT r.schemaname, r.indexname, min(r.captured_at) AS from_at
                   FROM new_rows r WHERE r.cum_scans IS NULL GROUP BY 1, 2) k
         HAVING count(*) > 0;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only changes to what a step is made of; the derivation's own UPDATE changes none of it.
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT x.schemaname, x.indexname, min(x.captured_at) AS from_at
                   FROM old_rows o JOIN new_rows n ON n.id = o.id
                  CROSS JOIN LATERAL (VALUES (o.schemaname, o.indexname, least(o.captured_at, n.captured_at)),
                                             (n.schemaname, n.indexname, least(o.captured_at, n.captured_at))) x(schemaname, indexname, captured_at)
                  WHERE n.cum_scans IS NULL
                     OR (o.schemaname, o.indexname, o.captured_at, o.idx_scan, o.idx_tup_read, o.idx_tup_fetch, o.stats_reset, o.server_started_at)
                        IS DISTINCT FROM
                        (n.schemaname, n.indexname, n.captured_at, n.idx_scan, n.idx_tup_read, n.idx_tup_fetch, n.stats_reset, n.server_started_at)
                  GROUP BY 1, 2) k
         HAVING count(*) > 0;
    ELSE
        PERFORM pgperf.derive_index_usage_steps(array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
           FROM (SELECT o.schemaname, o.indexname, min(o.captured_at) AS from_at, max(o.captured_at) AS to_at
                   FROM old_rows o GROUP BY 1, 2) k
          WHERE EXISTS (SELECT 1 FROM pgperf.index_usage_snapshots s
                         WHERE s.schemaname = k.schemaname AND s.indexname = k.indexname AND s.captured_at < k.to_at)
         HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER index_usage_snapshots_inserted AFTER INSERT ON pgperf.index_usage_snapshots
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();
CREATE TRIGGER index_usage_snapshots_updated AFTER UPDATE ON pgperf.index_usage_snapshots
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();
CREATE TRIGGER index_usage_snapshots_deleted AFTER DELETE ON pgperf.index_usage_snapshots
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pgperf.index_usage_snapshots_changed();

-- The counters of every user index now. Reads the pg_stat_get_* functions over pg_index directly:
-- pg_stat_user_indexes joins pg_index and pg_class again, which cost more than half of a snapshot.
-- Same rows as the view (indexes of tables, TOAST tables and materialized views outside the system
-- schemas) and the same columns as in 003. Sizes still come from relpages (no lock per index).
CREATE OR REPLACE FUNCTION pgperf.index_usage_current()
RETURNS TABLE (
    captured_at timestamptz, schemaname text, tablename text, indexname text,
    idx_scan bigint, idx_tup_read bigint, idx_tup_fetch bigint, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean,
    stats_reset timestamptz, server_started_at timestamptz, last_idx_scan timestamptz, indexrelid oid)
LANGUAGE sql STABLE
AS $$
    SELECT now(), n.nspname::text, t.relname::text, c.relname::text,
           pg_stat_get_numscans(i.indexrelid), pg_stat_get_tuples_returned(i.indexrelid), pg_stat_get_tuples_fetched(i.indexrelid),
           c.relpages::bigint * current_setting('block_size')::bigint,
           i.indisunique, i.indisprimary,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')),
           i.indisreplident, i.indisvalid,
           pg_stat_get_db_stat_reset_time(d.oid), pg_postmaster_start_time(), l.last_idx_scan, i.indexrelid
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN (SELECT oid FROM pg_database WHERE datname = current_database()) d
      LEFT JOIN pgperf.index_last_scan_times() l ON l.indexrelid = i.indexrelid
     WHERE t.relkind IN ('r', 't', 'm')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgperf')
       AND n.nspname !~ '^pg_toast'
$$;

-- Spec: captures the usage counters of every user index (call hourly). Still one set-based
-- INSERT ... SELECT returning the row count; each row's step is derived against the latest row of its
-- index (the previous batch, never the history). A row whose index already has a row at or after this
-- time is left underived and the insert trigger derives it in order.
CREATE OR REPLACE FUNCTION pgperf.capture_index_usage_snapshot()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n integer;
BEGIN
    -- Rows left underived (loaded with triggers off, for example) come first: the new steps build on them.
    PERFORM pgperf.derive_index_usage_steps(array_agg(k.schemaname), array_agg(k.indexname), array_agg(k.from_at))
       FROM (SELECT s.schemaname, s.indexname, min(s.captured_at) AS from_at
               FROM pgperf.index_usage_snapshots s WHERE s.cum_scans IS NULL GROUP BY 1, 2) k
     HAVING count(*) > 0;

    INSERT INTO pgperf.index_usage_snapshots
        (captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes,
         is_unique, is_primary, is_constraint, is_replica_identity, is_valid, stats_reset, server_started_at, last_idx_scan,
         continuous, observed_from, scans, observed_seconds, blind_seconds,
         cum_observed_seconds, cum_blind_seconds, cum_blind_gaps, cum_scans, last_scan_step_at)
    SELECT c.captured_at, c.schemaname, c.tablename, c.indexname, c.idx_scan, c.idx_tup_read, c.idx_tup_fetch, c.index_size_bytes,
           c.is_unique, c.is_primary, c.is_constraint, c.is_replica_identity, c.is_valid, c.stats_reset, c.server_started_at, c.last_idx_scan,
           x.continuous, x.observed_from, x.scans, x.observed_seconds, x.blind_seconds,
           coalesce(p.cum_observed_seconds, 0) + x.observed_seconds, coalesce(p.cum_blind_seconds, 0) + x.blind_seconds,
           coalesce(p.cum_blind_gaps, 0) + coalesce((x.continuous = false)::integer, 0), coalesce(p.cum_scans, 0) + x.scans,
           CASE WHEN x.scans > 0 THEN c.captured_at ELSE p.last_scan_step_at END
      FROM pgperf.index_usage_current() c
      -- The previous capture wrote one row per index at one time: that batch holds the latest row of
      -- almost every index and is read in one range scan.
      LEFT JOIN (
            SELECT DISTINCT ON (s.schemaname, s.indexname) s.*
              FROM pgperf.index_usage_snapshots s
             WHERE s.captured_at = (SELECT max(m.captured_at) FROM pgperf.index_usage_snapshots m)
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
              WHERE lb.id IS NULL AND s.schemaname = c.schemaname AND s.indexname = c.indexname
              ORDER BY s.captured_at DESC
              LIMIT 1)) p ON true
      -- NULL in, NULL out: a row that is not the latest of its index stays underived (the trigger takes it).
      LEFT JOIN LATERAL pgperf.index_usage_step(
            c.captured_at, c.idx_scan, c.idx_tup_read, c.idx_tup_fetch, c.stats_reset, c.server_started_at,
            p.captured_at, p.idx_scan, p.idx_tup_read, p.idx_tup_fetch, p.stats_reset, p.server_started_at) x
        ON p.captured_at IS NULL OR p.captured_at < c.captured_at;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- What the history of every index that exists now says over a window, from the stored steps: the first
-- reading at or after p_since is judged as a first reading (as index_usage_points does), the live
-- readings close the window, and every sum in between is the difference of two running totals. A few
-- index probes per index, whatever the length of the history. Columns:
--   observed_since     where observation begins; observed_seconds / blind_seconds / blind_gaps over the window;
--   scans_in_window    scans in steps ending after now() - p_age_days;
--   last_seen          the last reading whose step had scans, or last_idx_scan (16+) when later;
--   unused_seconds     observed time after last_seen (NULL when no scan was seen).
CREATE FUNCTION pgperf.index_usage_summary(p_since timestamptz, p_age_days integer)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, index_size_bytes bigint,
    is_unique boolean, is_primary boolean, is_constraint boolean, is_replica_identity boolean, is_valid boolean, indexrelid oid,
    observed_since timestamptz, observed_seconds numeric, blind_seconds numeric, blind_gaps integer,
    scans_in_window bigint, last_seen timestamptz, unused_seconds numeric)
LANGUAGE sql STABLE
AS $$
    WITH fb AS (
        -- when monitoring began (in the window): an index first seen later was created later
        SELECT min(s.captured_at) AS at FROM pgperf.index_usage_snapshots s WHERE s.captured_at >= p_since AND s.captured_at < now()
    ), e AS (
        SELECT c.*, fb.at AS fb_at,
               f.captured_at AS f_at, f.idx_scan AS f_scan, f.stats_reset AS f_reset, f.server_started_at AS f_start,
               f.cum_observed_seconds AS f_observed, f.cum_blind_seconds AS f_blind, f.cum_blind_gaps AS f_gaps, f.cum_scans AS f_scans,
               l.captured_at AS l_at, l.idx_scan AS l_scan, l.idx_tup_read AS l_read, l.idx_tup_fetch AS l_fetch,
               l.stats_reset AS l_reset, l.server_started_at AS l_start,
               l.cum_observed_seconds AS l_observed, l.cum_blind_seconds AS l_blind, l.cum_blind_gaps AS l_gaps, l.cum_scans AS l_scans,
               l.last_scan_step_at AS l_last_scan, b.cum_scans AS b_scans
          FROM pgperf.index_usage_current() c
         CROSS JOIN fb
          LEFT JOIN LATERAL (
                SELECT s.captured_at, s.idx_scan, s.stats_reset, s.server_started_at,
                       s.cum_observed_seconds, s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.schemaname = c.schemaname AND s.indexname = c.indexname AND s.captured_at >= p_since AND s.captured_at < c.captured_at
                 ORDER BY s.captured_at LIMIT 1) f ON true
          LEFT JOIN LATERAL (
                SELECT s.captured_at, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.stats_reset, s.server_started_at,
                       s.cum_observed_seconds, s.cum_blind_seconds, s.cum_blind_gaps, s.cum_scans, s.last_scan_step_at
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.schemaname = c.schemaname AND s.indexname = c.indexname AND s.captured_at >= p_since AND s.captured_at < c.captured_at
                 ORDER BY s.captured_at DESC LIMIT 1) l ON true
          -- the last reading before the scan window: scans after it are the difference of the totals
          LEFT JOIN LATERAL (
                SELECT s.cum_scans
                  FROM pgperf.index_usage_snapshots s
                 WHERE s.schemaname = c.schemaname AND s.indexname = c.indexname AND s.captured_at >= p_since
                   AND s.captured_at <= c.captured_at - make_interval(days => p_age_days)
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
               greatest(CASE WHEN g.scans > 0 THEN g.captured_at END,
                        CASE WHEN g.l_last_scan > g.f_at THEN g.l_last_scan END,
                        CASE WHEN g.f_scan > 0 THEN g.f_at END,
                        g.last_idx_scan) AS seen
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
                WHEN j.captured_at IS NOT NULL
                     THEN extract(epoch FROM j.captured_at - greatest(CASE WHEN j.captured_at = h.f_at THEN h.first_from ELSE j.observed_from END, h.seen))
                          + h.l_observed - j.cum_observed_seconds + h.live_observed
                WHEN h.captured_at > h.seen THEN extract(epoch FROM h.captured_at - greatest(h.live_from, h.seen))
                ELSE 0 END
      FROM h
      -- the first reading after the last scan seen: observed time since then is the rest of the totals
      LEFT JOIN LATERAL (
            SELECT s.captured_at, s.observed_from, s.cum_observed_seconds
              FROM pgperf.index_usage_snapshots s
             WHERE s.schemaname = h.schemaname AND s.indexname = h.indexname AND s.captured_at > h.seen
               AND s.captured_at >= p_since AND s.captured_at < h.captured_at
             ORDER BY s.captured_at LIMIT 1) j ON true
$$;

-- Spec: indexes not used for age_days (default 30) or more. Same rule and results as in 003, read from
-- the stored steps (index_usage_summary) instead of every snapshot of the look-back window.
CREATE OR REPLACE FUNCTION pgperf.detect_unused_indexes(
    age_days integer DEFAULT 30,
    p_include_constraint_indexes boolean DEFAULT false,
    p_ignore_stats_age boolean DEFAULT false)
RETURNS TABLE (
    schemaname text, tablename text, indexname text, index_size_bytes bigint, index_size text,
    days_since_last_scan numeric, scans_in_window bigint, observed_days numeric, blind_days numeric,
    blind_gaps integer, last_scan_at timestamptz, status text, definition text)
LANGUAGE sql STABLE
AS $$
    WITH judged AS (
        SELECT u.*, coalesce(u.unused_seconds, u.observed_seconds) / 86400.0 AS unused_days,
               u.observed_seconds / 86400.0 AS observed_days
          FROM pgperf.index_usage_summary(now() - make_interval(days => greatest(2 * age_days, 90)), age_days) u
         WHERE p_include_constraint_indexes OR NOT (u.is_unique OR u.is_primary OR u.is_constraint OR u.is_replica_identity)
    ), verdict AS (
        SELECT j.*,
               CASE WHEN j.last_seen IS NULL AND NOT p_ignore_stats_age AND j.observed_days < age_days THEN 'InsufficientData'
                    WHEN j.last_seen IS NOT NULL AND j.unused_days < least(7, age_days) THEN 'Active'
                    WHEN j.last_seen IS NOT NULL AND j.unused_days < age_days THEN 'LowUsage'
                    WHEN j.index_size_bytes > 10 * 1024 * 1024 THEN 'ConsiderDropping'
                    ELSE 'Unused' END AS status
          FROM judged j
    )
    SELECT v.schemaname, v.tablename, v.indexname, v.index_size_bytes, pg_size_pretty(v.index_size_bytes),
           round(v.unused_days::numeric, 1), v.scans_in_window, round(v.observed_days::numeric, 1),
           round((v.blind_seconds / 86400.0)::numeric, 1), v.blind_gaps, v.last_seen, v.status, pg_get_indexdef(v.indexrelid)
      FROM verdict v
     WHERE v.status <> 'Active'
     ORDER BY v.status = 'ConsiderDropping' DESC, v.index_size_bytes DESC, v.schemaname, v.indexname
$$;

COMMENT ON FUNCTION pgperf.index_usage_summary(timestamptz, integer) IS 'PgPerf: per index, what its usage history says over a window (from the stored steps)';
COMMENT ON FUNCTION pgperf.derive_index_usage_steps(text[], text[], timestamptz[]) IS 'PgPerf: recomputes stored index usage steps and running totals';
