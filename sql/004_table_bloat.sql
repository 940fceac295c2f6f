-- PgPerf schema, version 4: table bloat (spec section 3).
-- Completes pgperf.table_bloat_snapshots (method, confidence, flags) and adds:
--   pgperf.table_bloat_estimate()         the per-table estimate (the Engine calls it too: one definition)
--   pgperf.capture_table_bloat_snapshot() one row per table, returns how many it captured
--   pgperf.check_table_bloat_alerts()     one open 'high_bloat' alert per table over the threshold and the size floor
-- All three work without the module (psql, pg_cron). Bloat = what VACUUM FULL would give back, heap + TOAST.

ALTER TABLE pgperf.table_bloat_snapshots
    ADD COLUMN method     text   NOT NULL DEFAULT 'Estimate' CHECK (method IN ('Estimate', 'Approx', 'Exact')),
    ADD COLUMN confidence text   NOT NULL DEFAULT 'High' CHECK (confidence IN ('Low', 'Medium', 'High')),
    ADD COLUMN flags      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN table_kind text   NOT NULL DEFAULT 'Table';
COMMENT ON COLUMN pgperf.table_bloat_snapshots.bloat_ratio IS 'percent of table_bytes (heap + TOAST) that VACUUM FULL would give back';
CREATE INDEX table_bloat_snapshots_captured ON pgperf.table_bloat_snapshots (captured_at);
CREATE INDEX table_bloat_snapshots_table ON pgperf.table_bloat_snapshots (schemaname, tablename, captured_at);

CREATE FUNCTION pgperf.table_bloat_estimate()
RETURNS TABLE (oid bigint, toast_oid bigint, schemaname text, tablename text, kind text, fillfactor integer,
               table_bytes bigint, bloat_bytes bigint, bloat_ratio double precision, live_tuples bigint, dead_tuples bigint,
               fixed_width boolean, row_bytes double precision, flags text[], confidence text)
LANGUAGE sql STABLE
AS $estimate$
-- Per-table bloat estimate from the catalog and pg_stats (no table is read).
-- Bloat = the space a rewrite (VACUUM FULL) would give back, heap plus TOAST, as a share of their size.
-- Method: the statistical estimate behind check_postgres/pgwatch (tuple header + null bitmap + average
-- column widths from pg_stats, fillfactor), improved: columns are laid out in attribute order with their
-- real alignment (padding between int2/int8/bool columns is counted), the null bitmap is weighted by the
-- chance that a row has a NULL, dropped columns count as NULL (a rewrite nulls them), the page capacity uses
-- PostgreSQL's own fillfactor rule, the live TOAST chunk count comes from the statistics collector (so it is
-- known before the TOAST table is ever vacuumed), and weak spots are returned as flags with a confidence.
-- One statement over all tables; partitioned tables get a row that sums their leaf partitions.
-- Sizes are main forks only (what VACUUM FULL rewrites). Tables under an ACCESS EXCLUSIVE lock are sized
-- from pg_class instead of being waited for.
WITH RECURSIVE
locked AS (
    SELECT DISTINCT l.relation AS oid
    FROM pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
),
rel AS (
    SELECT c.oid, n.nspname::text AS schemaname, c.relname::text AS tablename,
           CASE c.relkind WHEN 'm' THEN 'MaterializedView' ELSE 'Table' END AS kind,
           c.reltoastrelid AS toast_oid, c.reltuples::float8 AS reltuples,
           coalesce((SELECT o.option_value::int FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'fillfactor'), 100) AS fillfactor,
           lk.oid IS NOT NULL AS is_locked,
           CASE WHEN lk.oid IS NOT NULL THEN c.relpages::bigint * current_setting('block_size')::bigint
                ELSE pg_relation_size(c.oid) END AS heap_bytes,
           CASE WHEN c.reltoastrelid = 0 THEN 0::bigint
                WHEN lk.oid IS NOT NULL THEN coalesce(t.relpages, 0)::bigint * current_setting('block_size')::bigint
                ELSE coalesce(pg_relation_size(c.reltoastrelid), 0) END AS toast_bytes,
           has_table_privilege(c.oid, 'SELECT') AS can_read,
           coalesce(pg_stat_get_live_tuples(c.oid), 0)::float8 AS n_live,
           coalesce(pg_stat_get_dead_tuples(c.oid), 0)::float8 AS n_dead,
           coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)::float8 AS n_mod,
           pg_stat_get_live_tuples(c.reltoastrelid)::float8 AS toast_live,
           pg_stat_get_dead_tuples(c.reltoastrelid)::float8 AS toast_dead,
           t.reltuples::float8 AS toast_reltuples,
           (pg_stat_get_last_vacuum_time(c.reltoastrelid) IS NULL AND pg_stat_get_last_autovacuum_time(c.reltoastrelid) IS NULL) AS toast_never_vacuumed
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
    LEFT JOIN locked lk ON lk.oid = c.oid
    WHERE c.relkind IN ('r', 'm') AND c.relpersistence IN ('p', 'u')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
),
col AS (
    SELECT a.attrelid AS oid, a.attnum, a.attisdropped AS dropped, a.attlen AS len,
           CASE a.attalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END AS align,
           a.attstorage AS storage, a.atttypid = 'pg_catalog.name'::regtype AS is_name,
           coalesce(s.null_frac, 0)::float8 AS p,
           CASE WHEN a.attlen > 0 THEN a.attlen::float8 ELSE s.avg_width::float8 END AS width,
           (a.attisdropped OR a.attlen > 0 OR s.avg_width IS NOT NULL) AS known
    FROM rel r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0
    LEFT JOIN pg_stats s ON s.schemaname = r.schemaname AND s.tablename = r.tablename
                        AND s.attname = a.attname AND NOT s.inherited AND NOT a.attisdropped
),
-- Lays the columns out in attribute order. off = expected end of the data so far; p0..p7 = the chance that
-- it ends at each offset modulo 8, so padding before an aligned column is its exact expected value
-- (NULLs and variable widths spread the chances, fixed widths move them).
walk (oid, attnum, off, pad, p0, p1, p2, p3, p4, p5, p6, p7) AS (
    SELECT r.oid, 0::smallint, 0::float8, 0::float8, 1::float8, 0::float8, 0::float8, 0::float8, 0::float8, 0::float8, 0::float8, 0::float8
    FROM rel r
    UNION ALL
    SELECT w.oid, c.attnum, w.off + v.q * (m.padding + v.w), w.pad + v.q * m.padding,
           (1 - v.q) * w.p0 + v.q * CASE WHEN v.fixed THEN m.al[(8 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p1 + v.q * CASE WHEN v.fixed THEN m.al[(9 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p2 + v.q * CASE WHEN v.fixed THEN m.al[(10 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p3 + v.q * CASE WHEN v.fixed THEN m.al[(11 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p4 + v.q * CASE WHEN v.fixed THEN m.al[(12 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p5 + v.q * CASE WHEN v.fixed THEN m.al[(13 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p6 + v.q * CASE WHEN v.fixed THEN m.al[(14 - v.len % 8) % 8 + 1] ELSE 0.125 END,
           (1 - v.q) * w.p7 + v.q * CASE WHEN v.fixed THEN m.al[(15 - v.len % 8) % 8 + 1] ELSE 0.125 END
    FROM walk w
    JOIN col c ON c.oid = w.oid AND c.attnum = w.attnum + 1
    CROSS JOIN LATERAL (
        SELECT CASE WHEN c.dropped THEN 0 ELSE 1 - least(c.p, 1) END AS q,   -- a rewrite stores dropped columns as NULL
               coalesce(c.width, 0) AS w,
               c.len > 0 AS fixed,
               greatest(c.len, 0)::int AS len,
               -- short varlena values (under 127 bytes) have a 1-byte header and are not aligned
               CASE WHEN c.len = -1 AND c.storage <> 'p' AND coalesce(c.width, 0) < 127 THEN 1 ELSE c.align END AS a
    ) v
    CROSS JOIN LATERAL (
        -- al = where the column starts (offset modulo 8) after alignment; a fixed width then rotates it by len
        SELECT CASE v.a WHEN 1 THEN 0
                        WHEN 2 THEN w.p1 + w.p3 + w.p5 + w.p7
                        WHEN 4 THEN 3 * (w.p1 + w.p5) + 2 * (w.p2 + w.p6) + w.p3 + w.p7
                        ELSE 7 * w.p1 + 6 * w.p2 + 5 * w.p3 + 4 * w.p4 + 3 * w.p5 + 2 * w.p6 + w.p7 END AS padding,
               CASE v.a WHEN 1 THEN ARRAY[w.p0, w.p1, w.p2, w.p3, w.p4, w.p5, w.p6, w.p7]
                        WHEN 2 THEN ARRAY[w.p0 + w.p7, 0, w.p1 + w.p2, 0, w.p3 + w.p4, 0, w.p5 + w.p6, 0]
                        WHEN 4 THEN ARRAY[w.p0 + w.p5 + w.p6 + w.p7, 0, 0, 0, w.p1 + w.p2 + w.p3 + w.p4, 0, 0, 0]
                        ELSE ARRAY[w.p0 + w.p1 + w.p2 + w.p3 + w.p4 + w.p5 + w.p6 + w.p7, 0, 0, 0, 0, 0, 0, 0] END AS al
    ) m
),
shape AS (
    SELECT c.oid,
           count(*) AS natts,
           bool_or(c.dropped) AS has_dropped,
           bool_or(c.is_name AND NOT c.dropped) AS has_name,
           bool_and(c.known) AS all_known,
           bool_and(c.dropped OR (c.len > 0 AND c.p = 0)) AS fixed_width,
           -- chance that a row has at least one NULL (a dropped column is NULL after the rewrite)
           CASE WHEN bool_or(c.dropped) THEN 1
                ELSE 1 - exp(sum(ln(greatest(1 - least(c.p, 1), 1e-12)))) END AS p_null
    FROM col c
    GROUP BY c.oid
),
tuple AS (
    SELECT r.*, coalesce(s.natts, 0) AS natts, coalesce(s.has_dropped, false) AS has_dropped, coalesce(s.has_name, false) AS has_name,
           coalesce(s.all_known, true) AS all_known, coalesce(s.fixed_width, true) AS fixed_width,
           w.off AS data_bytes,
           -- the row ends aligned to 8
           w.p1 * 7 + w.p2 * 6 + w.p3 * 5 + w.p4 * 4 + w.p5 * 3 + w.p6 * 2 + w.p7 AS end_pad,
           w.pad AS pad_bytes,
           -- header: 23 bytes + a null bitmap when the row has a NULL, aligned to 8
           24 + coalesce(s.p_null, 0) * ((((23 + (coalesce(s.natts, 0) + 7) / 8) + 7) / 8) * 8 - 24) AS hdr_bytes
    FROM rel r
    LEFT JOIN shape s ON s.oid = r.oid
    JOIN walk w ON w.oid = r.oid AND w.attnum = coalesce(s.natts, 0)
),
sized AS (
    SELECT t.*,
           -- stored size per row: header + data, aligned to 8, plus its 4-byte line pointer
           t.hdr_bytes + t.data_bytes + t.end_pad + 4 AS row_bytes,
           current_setting('block_size')::float8 AS bs,
           -- PostgreSQL keeps (100 - fillfactor)% of a block free when it fills a heap page
           current_setting('block_size')::float8 - 24 - floor(current_setting('block_size')::int * (100 - t.fillfactor) / 100) AS usable,
           CASE WHEN t.reltuples >= 0 THEN t.reltuples ELSE t.n_live END AS live
    FROM tuple t
),
est AS (
    SELECT s.*,
           CASE WHEN s.live <= 0 THEN 0
                WHEN s.fixed_width THEN ceil(s.live / least(291, greatest(1, floor(s.usable / s.row_bytes))))
                ELSE ceil(s.live / least(291, greatest(1, s.usable / s.row_bytes - 0.5))) END AS heap_pages_needed,
           -- TOAST chunks are just under a quarter page: four per page
           CASE WHEN s.toast_oid = 0 OR s.toast_bytes = 0 THEN 0
                WHEN coalesce(s.toast_live, 0) + coalesce(s.toast_dead, 0) > 0 THEN ceil(s.toast_live / 4)
                WHEN s.toast_reltuples >= 0 THEN ceil(s.toast_reltuples / 4)
                ELSE NULL END AS toast_pages_needed,
           -- never analyzed, or columns without statistics: the row width is unknown
           (s.reltuples < 0 AND s.heap_bytes > 0) OR (s.live > 0 AND NOT (s.all_known AND s.can_read)) AS use_fallback
    FROM sized s
),
leaf AS (
    SELECT e.oid, e.schemaname, e.tablename, e.kind, e.toast_oid, e.fillfactor,
           e.heap_bytes + e.toast_bytes AS table_bytes,
           greatest(0, CASE
               WHEN e.use_fallback THEN
                   -- no usable statistics: fall back on the dead-row share of the current size
                   (e.heap_bytes + e.toast_bytes) * e.n_dead / greatest(e.n_live + e.n_dead, 1)
               ELSE e.heap_bytes - e.heap_pages_needed * e.bs
                    + CASE WHEN e.toast_pages_needed IS NULL THEN 0 ELSE e.toast_bytes - e.toast_pages_needed * e.bs END
           END)::bigint AS bloat_bytes,
           greatest(e.live, 0)::bigint AS live_tuples, e.n_dead::bigint AS dead_tuples,
           e.fixed_width, round(e.row_bytes::numeric, 1)::float8 AS row_bytes,
           array_remove(ARRAY[
               CASE WHEN NOT e.can_read THEN 'NoStatsAccess' END,
               CASE WHEN e.can_read AND ((e.live > 0 AND NOT e.all_known) OR (e.reltuples < 0 AND e.heap_bytes > 0)) THEN 'NoStats' END,
               CASE WHEN e.can_read AND e.all_known AND e.n_mod > greatest(50, 0.1 * e.live) THEN 'StaleStats' END,
               CASE WHEN e.has_name THEN 'NameColumns' END,
               CASE WHEN e.has_dropped THEN 'DroppedColumns' END,
               CASE WHEN e.toast_bytes > 0 AND e.toast_pages_needed IS NULL THEN 'ToastUnknown'
                    WHEN e.toast_bytes > 0 AND e.toast_never_vacuumed THEN 'ToastNeverVacuumed' END,
               CASE WHEN e.live > 0 AND e.pad_bytes + e.end_pad > 0.25 * (e.hdr_bytes + e.data_bytes + e.end_pad) THEN 'PaddingHeavy' END,
               CASE WHEN e.is_locked THEN 'SizeFromCatalog' END
           ], NULL) AS flags
    FROM est e
    WHERE e.heap_bytes IS NOT NULL   -- dropped while we looked
),
scored AS (
    SELECT l.*,
           CASE WHEN l.flags && ARRAY['NoStatsAccess', 'NoStats', 'StaleStats', 'ToastUnknown'] THEN 'Low'
                WHEN l.flags && ARRAY['NameColumns', 'DroppedColumns', 'ToastNeverVacuumed', 'PaddingHeavy', 'SizeFromCatalog'] THEN 'Medium'
                ELSE 'High' END AS confidence
    FROM leaf l
),
parent AS (
    SELECT p.oid, n.nspname::text AS schemaname, p.relname::text AS tablename, 'PartitionedTable' AS kind,
           0::oid AS toast_oid, 100 AS fillfactor, a.table_bytes, a.bloat_bytes, a.live_tuples, a.dead_tuples,
           a.fixed_width, NULL::float8 AS row_bytes,
           ARRAY['PartitionedParent'] || a.flags AS flags, a.confidence
    FROM pg_class p
    JOIN pg_namespace n ON n.oid = p.relnamespace
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(s.table_bytes), 0)::bigint AS table_bytes, coalesce(sum(s.bloat_bytes), 0)::bigint AS bloat_bytes,
               coalesce(sum(s.live_tuples), 0)::bigint AS live_tuples, coalesce(sum(s.dead_tuples), 0)::bigint AS dead_tuples,
               coalesce(bool_and(s.fixed_width), true) AS fixed_width,
               ARRAY(SELECT DISTINCT f FROM unnest(array_agg(array_to_string(s.flags, ','))) g, unnest(string_to_array(g, ',')) f
                     WHERE f <> '' ORDER BY 1) AS flags,
               CASE WHEN bool_or(s.confidence = 'Low') THEN 'Low' WHEN bool_or(s.confidence = 'Medium') THEN 'Medium' ELSE 'High' END AS confidence
        FROM pg_partition_tree(p.oid) pt
        JOIN scored s ON s.oid = pt.relid
        WHERE pt.isleaf
    ) a
    WHERE p.relkind = 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT oid::bigint AS oid, toast_oid::bigint AS toast_oid, schemaname, tablename, kind, fillfactor,
       table_bytes, bloat_bytes,
       CASE WHEN table_bytes > 0 THEN round((100.0 * bloat_bytes / table_bytes)::numeric, 2)::float8 ELSE 0 END AS bloat_ratio,
       live_tuples, dead_tuples, fixed_width, row_bytes, flags, confidence
FROM scored
UNION ALL
SELECT oid::bigint, toast_oid::bigint, schemaname, tablename, kind, fillfactor,
       table_bytes, bloat_bytes,
       CASE WHEN table_bytes > 0 THEN round((100.0 * bloat_bytes / table_bytes)::numeric, 2)::float8 ELSE 0 END,
       live_tuples, dead_tuples, fixed_width, row_bytes, flags, confidence
FROM parent
$estimate$;
COMMENT ON FUNCTION pgperf.table_bloat_estimate() IS 'Per-table bloat estimate from the catalog and pg_stats; reads no table';

-- One row per table, partition, partitioned table (sum of its partitions) and materialized view, all with
-- the same captured_at. Returns the number of rows captured.
CREATE FUNCTION pgperf.capture_table_bloat_snapshot()
RETURNS integer
LANGUAGE sql
AS $$
    WITH captured AS (
        INSERT INTO pgperf.table_bloat_snapshots
            (captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, live_tuples, dead_tuples,
             method, confidence, flags, table_kind)
        SELECT now(), e.schemaname, e.tablename, e.table_bytes, e.bloat_bytes, e.bloat_ratio, e.live_tuples, e.dead_tuples,
               'Estimate', e.confidence, e.flags, e.kind
        FROM pgperf.table_bloat_estimate() e
        RETURNING 1)
    SELECT count(*)::integer FROM captured
$$;

-- Opens (or updates) one 'high_bloat' alert per table whose latest snapshot is over p_threshold percent AND
-- wastes at least p_min_wasted_bytes (so a 16 kB table at 80 % pages nobody), and resolves the alerts of
-- tables that dropped below. Partitioned parents are left out: their partitions carry the alerts.
-- Returns the number of open high_bloat alerts.
CREATE FUNCTION pgperf.check_table_bloat_alerts(p_threshold double precision DEFAULT 20,
                                                p_min_wasted_bytes bigint DEFAULT 1048576)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_keys text[];
BEGIN
    WITH latest AS (
        SELECT s.*, quote_ident(s.schemaname) || '.' || quote_ident(s.tablename) AS subject
        FROM pgperf.table_bloat_snapshots s
        WHERE s.captured_at = (SELECT max(captured_at) FROM pgperf.table_bloat_snapshots)
          AND s.table_kind <> 'PartitionedTable'
          AND s.bloat_ratio > p_threshold
          AND s.bloat_bytes >= p_min_wasted_bytes
    ), raised AS (
        SELECT pgperf.create_performance_alert(
                   'high_bloat',
                   CASE WHEN l.bloat_ratio > 50 THEN 'critical' ELSE 'warning' END,
                   l.subject,
                   format('Table %s is %s%% bloated (%s reclaimable of %s, %s estimate, %s confidence); consider VACUUM FULL or pg_repack in a maintenance window.',
                          l.subject, round(l.bloat_ratio::numeric, 1), pg_size_pretty(l.bloat_bytes), pg_size_pretty(l.table_bytes),
                          l.method, l.confidence),
                   jsonb_build_object('schemaname', l.schemaname, 'tablename', l.tablename, 'bloat_ratio', l.bloat_ratio,
                                      'bloat_bytes', l.bloat_bytes, 'table_bytes', l.table_bytes, 'dead_tuples', l.dead_tuples,
                                      'method', l.method, 'confidence', l.confidence, 'flags', to_jsonb(l.flags),
                                      'captured_at', l.captured_at, 'threshold', p_threshold),
                   'high_bloat:' || l.subject,
                   1,
                   l.captured_at) AS id,
               'high_bloat:' || l.subject AS dedup_key
        FROM latest l
    )
    SELECT coalesce(array_agg(dedup_key), '{}') INTO v_keys FROM raised;
    PERFORM pgperf.resolve_stale_alerts('high_bloat', v_keys);
    RETURN coalesce(array_length(v_keys, 1), 0);
END
$$;
