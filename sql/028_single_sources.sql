-- PgPerf schema, version 28 (issue 19): one home for the unused-index verdict.
-- The status of an index from what its usage history says (InsufficientData, Active, LowUsage, Unused,
-- ConsiderDropping) was written twice: in pgperf.detect_unused_indexes (006) and in C# (IndexUsageVerdict.Judge),
-- which Get-PgUnusedIndex applied to pgperf.index_usage_summary's rows. It is now the function below: the spec's
-- detect_unused_indexes calls it, and so does the module's query (sql/queries/index_summary.sql), so both give the
-- same status by construction. IndexUsageVerdict.Judge stays as the pure reference the C# tests judge histories
-- with, and a test holds it to this function.
-- Behaviour is unchanged: the function is 006's CASE, and detect_unused_indexes is 006's with the CASE replaced.

-- p_observed_days: observed time in the window; p_unused_days: observed time since the last scan (or all
-- observed time when no scan was seen, p_last_seen NULL); p_age_days: -MinDaysUnused / age_days.
-- Active within min(7, age) days of the last scan, LowUsage until age days, then Unused, or ConsiderDropping over
-- 10 MB; InsufficientData when no scan was seen in less than age days of observation (unless ignored).
CREATE FUNCTION pgperf.index_usage_status(
    p_last_seen timestamptz, p_observed_days numeric, p_unused_days numeric, p_size_bytes bigint,
    p_age_days integer, p_ignore_stats_age boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_last_seen IS NULL AND NOT p_ignore_stats_age AND p_observed_days < p_age_days THEN 'InsufficientData'
                WHEN p_last_seen IS NOT NULL AND p_unused_days < least(7, p_age_days) THEN 'Active'
                WHEN p_last_seen IS NOT NULL AND p_unused_days < p_age_days THEN 'LowUsage'
                WHEN p_size_bytes > 10 * 1024 * 1024 THEN 'ConsiderDropping'
                ELSE 'Unused' END
$$;

COMMENT ON FUNCTION pgperf.index_usage_status(timestamptz, numeric, numeric, bigint, integer, boolean) IS 'PgPerf: the unused-index verdict from what an index''s usage history says';

-- Spec: indexes not used for age_days (default 30) or more. 006's function, with the verdict from index_usage_status.
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
               pgperf.index_usage_status(j.last_seen, j.observed_days, j.unused_days, j.index_size_bytes, age_days, p_ignore_stats_age) AS status
          FROM judged j
    )
    SELECT v.schemaname, v.tablename, v.indexname, v.index_size_bytes, pg_size_pretty(v.index_size_bytes),
           round(v.unused_days::numeric, 1), v.scans_in_window, round(v.observed_days::numeric, 1),
           round((v.blind_seconds / 86400.0)::numeric, 1), v.blind_gaps, v.last_seen, v.status, pg_get_indexdef(v.indexrelid)
      FROM verdict v
     WHERE v.status <> 'Active'
     ORDER BY v.status = 'ConsiderDropping' DESC, v.index_size_bytes DESC, v.schemaname, v.indexname
$$;
