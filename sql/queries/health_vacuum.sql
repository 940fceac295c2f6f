-- Get-PgVacuumHealth: autovacuum's own decision (relation_needs_vacanalyze in autovacuum.c) for every table and
-- materialized view of the current database, each setting taken from the table's reloptions first:
--   vacuum  when n_dead_tup > autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor * reltuples
--           (capped by autovacuum_vacuum_max_threshold on PostgreSQL 18+),
--        or n_ins_since_vacuum > autovacuum_vacuum_insert_threshold + autovacuum_vacuum_insert_scale_factor * reltuples
--           (PostgreSQL 13+; -1 disables it),
--        or age(relfrozenxid) > autovacuum_freeze_max_age (the smaller of the setting and the reloption);
--   analyze when n_mod_since_analyze > autovacuum_analyze_threshold + autovacuum_analyze_scale_factor * reltuples.
-- reltuples is -1 for a table never vacuumed or analyzed (PostgreSQL 14+); autovacuum counts that as 0.
-- Running vacuums come from pg_stat_progress_vacuum (read through to_jsonb: its columns differ between versions).
WITH opts AS (
    SELECT c.oid,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_enabled')                     AS enabled,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_vacuum_threshold')::float8    AS vac_base,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_vacuum_scale_factor')::float8 AS vac_scale,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_vacuum_max_threshold')::float8 AS vac_max,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_vacuum_insert_threshold')::float8 AS ins_base,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_vacuum_insert_scale_factor')::float8 AS ins_scale,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_analyze_threshold')::float8   AS anl_base,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_analyze_scale_factor')::float8 AS anl_scale,
           max(o.option_value) FILTER (WHERE o.option_name = 'autovacuum_freeze_max_age')::float8      AS freeze_max_age,
           array_agg(o.option_name || '=' || o.option_value ORDER BY o.option_name)
               FILTER (WHERE o.option_name LIKE 'autovacuum%')                                        AS autovacuum_options
      FROM pg_class c
      LEFT JOIN LATERAL pg_options_to_table(c.reloptions) o ON true
     WHERE c.relkind IN ('r', 'm')
     GROUP BY c.oid
), figures AS (
    SELECT st.relid, st.schemaname, st.relname,
           st.last_vacuum, st.last_autovacuum, st.last_analyze, st.last_autoanalyze,
           greatest(c.reltuples, 0)::float8 AS reltuples,
           st.n_dead_tup, coalesce((to_jsonb(st) ->> 'n_ins_since_vacuum')::bigint, 0) AS n_ins_since_vacuum,
           st.n_mod_since_analyze, age(c.relfrozenxid)::float8 AS xid_age,
           coalesce(o.vac_base, current_setting('autovacuum_vacuum_threshold')::float8)
             + coalesce(o.vac_scale, current_setting('autovacuum_vacuum_scale_factor')::float8) * greatest(c.reltuples, 0) AS vac_uncapped,
           coalesce(o.vac_max, current_setting('autovacuum_vacuum_max_threshold', true)::float8)                              AS vac_max,
           coalesce(o.ins_base, current_setting('autovacuum_vacuum_insert_threshold', true)::float8)                           AS ins_base,
           coalesce(o.ins_scale, current_setting('autovacuum_vacuum_insert_scale_factor', true)::float8)                       AS ins_scale,
           coalesce(o.anl_base, current_setting('autovacuum_analyze_threshold')::float8)
             + coalesce(o.anl_scale, current_setting('autovacuum_analyze_scale_factor')::float8) * greatest(c.reltuples, 0) AS anl_threshold,
           least(current_setting('autovacuum_freeze_max_age')::float8, coalesce(o.freeze_max_age, 'Infinity'::float8)) AS freeze_max_age,
           current_setting('autovacuum')::boolean AND coalesce(o.enabled::boolean, true) AS autovacuum_enabled,
           coalesce(o.autovacuum_options, '{}'::text[]) AS autovacuum_options
      FROM pg_stat_all_tables st
      JOIN pg_class c ON c.oid = st.relid
      JOIN opts o ON o.oid = st.relid
     WHERE st.schemaname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND NOT pg_is_other_temp_schema(c.relnamespace)
), judged AS (
    SELECT f.*,
           -- autovacuum_vacuum_max_threshold -1 means no cap.
           CASE WHEN f.vac_max IS NULL OR f.vac_max < 0 THEN f.vac_uncapped ELSE least(f.vac_uncapped, f.vac_max) END AS vac_threshold,
           CASE WHEN f.ins_base IS NULL OR f.ins_base < 0 THEN NULL ELSE f.ins_base + f.ins_scale * f.reltuples END AS ins_threshold
      FROM figures f
)
SELECT j.schemaname::text AS schema, j.relname::text AS table_name,
       j.last_vacuum, j.last_autovacuum, j.last_analyze, j.last_autoanalyze,
       j.reltuples AS estimated_rows, j.n_dead_tup AS dead_tuples, j.n_ins_since_vacuum AS inserts_since_vacuum,
       j.n_mod_since_analyze AS modifications_since_analyze,
       j.vac_threshold AS vacuum_threshold, j.ins_threshold AS insert_threshold, j.anl_threshold AS analyze_threshold,
       array_remove(ARRAY[
           CASE WHEN j.n_dead_tup > j.vac_threshold THEN 'DeadTuples' END,
           CASE WHEN j.ins_threshold IS NOT NULL AND j.n_ins_since_vacuum > j.ins_threshold THEN 'Inserts' END,
           CASE WHEN j.xid_age > j.freeze_max_age THEN 'Wraparound' END], NULL) AS vacuum_reasons,
       j.n_mod_since_analyze > j.anl_threshold AS analyze_due,
       j.autovacuum_enabled, j.autovacuum_options,
       p.pid AS vacuum_pid, p.phase AS vacuum_phase,
       (to_jsonb(p) ->> 'heap_blks_total')::bigint    AS heap_blocks_total,
       (to_jsonb(p) ->> 'heap_blks_scanned')::bigint  AS heap_blocks_scanned,
       (to_jsonb(p) ->> 'heap_blks_vacuumed')::bigint AS heap_blocks_vacuumed,
       (to_jsonb(p) ->> 'index_vacuum_count')::bigint AS index_vacuum_count
  FROM judged j
  LEFT JOIN pg_stat_progress_vacuum p ON p.relid = j.relid AND p.datname = current_database()
 ORDER BY j.n_dead_tup / greatest(j.vac_threshold, 1) DESC, j.schemaname, j.relname
