-- B-tree indexes with what the catalog knows about their entries: one statement, no index is read.
-- The Engine turns this into the size a REINDEX would build (PgPerf.BloatMath, the home of the bloat maths, shared
-- with -Method Exact). Per key column (INCLUDE columns too, they are in the leaf entries): its storage length and
-- alignment from the index's own pg_attribute, and its average width and NULL share from pg_stats (the table's
-- column, or the index's own statistics for an expression). pg_stats shows only columns the role may read:
-- can_read says whether that is the reason a width is missing. Indexes under an ACCESS EXCLUSIVE lock (REINDEX,
-- DROP), held or still queued (a queued request makes every later lock wait behind it), are sized from pg_class
-- rather than waited for. Invalid indexes are left to Get-PgInvalidIndex.
WITH locked AS (
    SELECT DISTINCT l.relation AS oid
    FROM pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
),
ix AS (
    SELECT i.indexrelid AS oid, i.indrelid AS table_oid, n.nspname::text AS schemaname, t.relname::text AS tablename,
           c.relname::text AS indexname, i.indisunique AS is_unique, i.indnkeyatts::int AS key_columns,
           i.indnatts::int AS all_columns, i.indpred IS NOT NULL AS is_partial,
           c.reltuples::float8 AS index_reltuples, t.reltuples::float8 AS table_reltuples,
           coalesce((SELECT o.option_value::int FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'fillfactor'), 90) AS fillfactor,
           coalesce((SELECT o.option_value::bool FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'deduplicate_items'), true) AS deduplicate,
           lk.oid IS NOT NULL AS is_locked,
           CASE WHEN lk.oid IS NOT NULL THEN c.relpages::bigint * current_setting('block_size')::bigint
                ELSE pg_relation_size(c.oid) END AS index_bytes,
           has_table_privilege(t.oid, 'SELECT') AS can_read,
           coalesce(pg_stat_get_mod_since_analyze(t.oid), 0)::float8 AS table_mod,
           coalesce(pg_stat_get_live_tuples(t.oid), 0)::float8 AS table_live,
           coalesce(pg_stat_get_dead_tuples(t.oid), 0)::float8 AS table_dead,
           i.indkey
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    LEFT JOIN locked lk ON lk.oid = c.oid
    WHERE am.amname = 'btree' AND c.relkind = 'i' AND i.indisvalid AND c.relpersistence IN ('p', 'u')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
),
col AS (
    SELECT x.oid, a.attnum, a.attlen::int AS len,
           CASE a.attalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END AS align,
           x.indkey[a.attnum - 1] = 0 AS is_expression,
           coalesce(st.avg_width, se.avg_width)::float8 AS avg_width,
           coalesce(st.null_frac, se.null_frac, 0)::float8 AS null_frac,
           coalesce(st.n_distinct, se.n_distinct)::float8 AS n_distinct
    FROM ix x
    JOIN pg_attribute a ON a.attrelid = x.oid AND a.attnum > 0
    LEFT JOIN pg_attribute ta ON ta.attrelid = x.table_oid AND ta.attnum = x.indkey[a.attnum - 1] AND x.indkey[a.attnum - 1] <> 0
    -- two equality joins (a table column, or the index's own statistics of an expression) so both can be hashed
    LEFT JOIN pg_stats st ON st.schemaname = x.schemaname AND st.tablename = x.tablename AND st.attname = ta.attname AND NOT st.inherited
    LEFT JOIN pg_stats se ON x.indkey[a.attnum - 1] = 0 AND se.schemaname = x.schemaname AND se.tablename = x.indexname
                         AND se.attname = a.attname AND NOT se.inherited
)
SELECT x.oid::bigint AS oid, x.schemaname, x.tablename, x.indexname, x.is_unique, x.is_partial, x.key_columns, x.all_columns,
       x.fillfactor, x.deduplicate, x.is_locked, x.index_bytes, x.can_read,
       -- index reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14+; 0 before)
       CASE WHEN x.index_reltuples >= 0 THEN x.index_reltuples END AS index_tuples,
       x.table_mod, x.table_live, x.table_dead,
       array_agg(c.len ORDER BY c.attnum) AS lengths,
       array_agg(c.align ORDER BY c.attnum) AS aligns,
       array_agg(coalesce(c.avg_width, -1) ORDER BY c.attnum) AS widths,   -- -1: no statistics
       array_agg(c.null_frac ORDER BY c.attnum) AS null_fracs,
       bool_or(c.is_expression) AS has_expression,
       -- the first key column's distinct count: negative is a share of the rows (PostgreSQL's convention)
       (array_agg(c.n_distinct ORDER BY c.attnum))[1] AS first_n_distinct
FROM ix x
JOIN col c ON c.oid = x.oid
GROUP BY x.oid, x.schemaname, x.tablename, x.indexname, x.is_unique, x.is_partial, x.key_columns, x.all_columns, x.fillfactor, x.deduplicate,
         x.is_locked, x.index_bytes, x.can_read, x.index_reltuples, x.table_mod, x.table_live, x.table_dead
ORDER BY x.schemaname, x.tablename, x.indexname
