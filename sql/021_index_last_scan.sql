-- PgPerf schema, version 21 (issue 16): the unused-index verdict reads last_idx_scan as the last scan (PostgreSQL 16+).
-- pg_stat_user_indexes.last_idx_scan is the server's own time of an index's last scan; pgperf.index_last_scan_times()
-- (003) returns it on 16+ and nothing before, so the choice by version is made there, by server_version_num.
-- Until now the summary took the later of it and the end of the last snapshot step that had scans. But a step only
-- says that a scan happened somewhere inside it, and ends up to an hour or a day after the scan, so the step's end won
-- once a snapshot had been taken after the scan; and an index last scanned long before monitoring began read as
-- scanned at the first snapshot, so it could not be called unused until MinDaysUnused days of snapshots had passed.
-- Now, when the live reading has last_idx_scan:
--   last_seen       is last_idx_scan;
--   unused_seconds  is all the time since it, also before the history began and across blind steps: the server's
--                   statistics have run without a break since then, because pg_stat_reset() and a crash clear it.
-- When it is NULL (before 16, after a reset or a crash, or an index never scanned) the history decides, as in 006.
-- PgPerf.IndexUsageVerdict.Assess (C#) is the reference and applies the same rule; the tests hold them together.
-- Only the columns last_seen and unused_seconds change; the rest of the function is 006's.

CREATE OR REPLACE FUNCTION pgperf.index_usage_summary(p_since timestamptz, p_age_days integer)
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
               AND s.schemaname = h.schemaname AND s.indexname = h.indexname AND s.captured_at > h.seen
               AND s.captured_at >= p_since AND s.captured_at < h.captured_at
             ORDER BY s.captured_at LIMIT 1) j ON true
$$;

COMMENT ON FUNCTION pgperf.index_usage_summary(timestamptz, integer) IS 'PgPerf: per index, what its usage history says over a window (from the stored steps; last_idx_scan on 16+)';
