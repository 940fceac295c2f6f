-- PgPerf schema, version 18 (issue 16): PostgreSQL 13 support.
-- The log's rollup trigger (008, 011) bins rows into UTC hours with date_bin, which PostgreSQL 14 added. On 13 migration
-- 012 creates pgperf.date_bin with the same result for the strides PgPerf uses (days, hours, minutes, seconds; never
-- months or years, which date_bin itself rejects): the trigger's search_path is pg_catalog, pgperf, so it finds
-- pg_catalog.date_bin on 14+ and this one on 13, and its text stays as shipped. On 14+ nothing is created, so a
-- server upgraded from 13 keeps using the built-in function first. Seconds arithmetic with to_timestamp keeps every
-- part immutable, so the planner inlines it (no per-row function call). Engine code that bins hours calls
-- pgperf.date_bin on 13 (QueryRollups). VersionCompatibilityTests checks the bins against UTC hours and days
-- computed in .NET, on every version.
-- (pgperf.date_bin itself is created at the top of 012: 012 updates logged rows, which fires that trigger.)

-- Never-analyzed tables. From PostgreSQL 14 pg_class.reltuples is -1 until the first VACUUM or ANALYZE, and the
-- bloat estimate (004) reads -1 as "row count unknown" (flag NoStats, fall back on dead rows; for TOAST, flag
-- ToastUnknown). On 13 it is 0 then, which would read as "no rows" and count the whole table as bloat. PostgreSQL's
-- own planner takes relpages = 0 with reltuples = 0 as "never vacuumed"; so does the estimate on 13, by this edit of
-- the two columns that read reltuples. The function's text is adapted rather than restated, so whatever a later
-- migration changed in it stays; if the text it adapts is gone this fails loudly (on 13 only) instead of guessing.
DO $$
DECLARE
    definition text;
    heap_from  constant text := 'c.reltuples::float8 AS reltuples';
    heap_to    constant text := 'CASE WHEN c.relpages = 0 AND c.reltuples = 0 THEN -1 ELSE c.reltuples END::float8 AS reltuples';
    toast_from constant text := 't.reltuples::float8 AS toast_reltuples';
    toast_to   constant text := 'CASE WHEN t.relpages = 0 AND t.reltuples = 0 THEN -1 ELSE t.reltuples END::float8 AS toast_reltuples';
BEGIN
    IF current_setting('server_version_num')::integer < 140000 THEN
        definition := pg_get_functiondef('pgperf.table_bloat_estimate()'::regprocedure);
        IF position(heap_from IN definition) = 0 OR position(toast_from IN definition) = 0 THEN
            RAISE EXCEPTION 'pgperf 018: pgperf.table_bloat_estimate() no longer reads reltuples as 018 expects; adapt 018 for PostgreSQL 13';
        END IF;
        EXECUTE replace(replace(definition, heap_from, heap_to), toast_from, toast_to);
    END IF;
END
$$;
