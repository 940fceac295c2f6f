-- Redundant indexes, compared structurally in pg_index (never by text of the definition): same table,
-- access method, predicate; Exact = same key and INCLUDE columns, operator classes, collations, per-column
-- options and expressions; LeftPrefix = a btree index whose key columns (with their operator classes,
-- collations and options) lead another btree index's keys. The side proposed for dropping ("a") never
-- backs a constraint (primary key, unique, exclusion, or the target of a foreign key) or the replica
-- identity, and a unique index is proposed only when an equally unique index covers it. Exact pairs go one
-- way only and LeftPrefix always to a longer index, so dropping every proposed index still leaves a cover.
WITH ix AS (
    SELECT i.indexrelid, i.indrelid, n.nspname AS schemaname, t.relname AS tablename, c.relname AS indexname, c.relam,
           i.indnatts, i.indnkeyatts,
           string_to_array(i.indkey::text, ' ')::int[] AS keys,
           string_to_array(i.indclass::text, ' ')::oid[] AS opclasses,
           string_to_array(i.indcollation::text, ' ')::oid[] AS collations,
           string_to_array(i.indoption::text, ' ')::int[] AS options,
           pg_get_expr(i.indexprs, i.indrelid) AS exprs,
           pg_get_expr(i.indpred, i.indrelid) AS pred,
           i.indisunique, i.indisprimary, i.indisexclusion, i.indisreplident,
           /*nulls_not_distinct*/ AS nulls_not_distinct,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint,
           c.relpages::bigint * current_setting('block_size')::bigint AS size_bytes,
           coalesce(s.idx_scan, 0) AS scans
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
     WHERE i.indisvalid AND i.indislive
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgperf') AND n.nspname NOT LIKE 'pg\_toast%'
), ranked AS (
    SELECT ix.*, (indisunique OR indisprimary OR indisexclusion OR indisreplident OR backs_constraint) AS enforces
      FROM ix
)
-- One row per redundant index: its best cover (an exact twin first, then the most used).
SELECT DISTINCT ON (a.schemaname, a.tablename, a.indexname)
       a.schemaname AS "Schema", a.tablename AS "Table", a.indexname AS "Index", b.indexname AS "CoveredBy",
       CASE WHEN a.indnatts = b.indnatts AND a.keys = b.keys THEN 'Exact' ELSE 'LeftPrefix' END AS "Kind",
       a.size_bytes AS "SizeBytes", b.size_bytes AS "CoveredBySizeBytes", a.scans AS "Scans", b.scans AS "CoveredByScans",
       a.indisunique AS "IsUnique", b.indisunique AS "CoveredByIsUnique",
       pg_get_indexdef(a.indexrelid) AS "Definition", pg_get_indexdef(b.indexrelid) AS "CoveredByDefinition"
  FROM ranked a
  JOIN ranked b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
               AND b.pred IS NOT DISTINCT FROM a.pred
 WHERE NOT (a.indisprimary OR a.indisexclusion OR a.indisreplident OR a.backs_constraint)
   AND (
        -- Exact: a unique index is redundant only next to an equally unique one; of two equals the one
        -- that enforces less, then the less used, then the newer is proposed.
        (a.indnatts = b.indnatts AND a.indnkeyatts = b.indnkeyatts AND a.keys = b.keys AND a.opclasses = b.opclasses
         AND a.collations = b.collations AND a.options = b.options AND a.exprs IS NOT DISTINCT FROM b.exprs
         AND (NOT a.indisunique OR (b.indisunique AND a.nulls_not_distinct = b.nulls_not_distinct))
         AND ((b.enforces AND NOT a.enforces)
              OR (b.enforces = a.enforces AND (a.scans < b.scans OR (a.scans = b.scans AND a.indexrelid > b.indexrelid)))))
     OR
        -- LeftPrefix: only btree keeps its leading columns usable on their own.
        (a.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
         AND NOT a.indisunique AND a.exprs IS NULL AND a.indnatts = a.indnkeyatts AND a.indnkeyatts < b.indnkeyatts
         AND a.keys = b.keys[1:a.indnkeyatts] AND a.opclasses = b.opclasses[1:a.indnkeyatts]
         AND a.collations = b.collations[1:a.indnkeyatts] AND a.options = b.options[1:a.indnkeyatts])
   )
 ORDER BY a.schemaname, a.tablename, a.indexname, (a.indnatts = b.indnatts AND a.keys = b.keys) DESC, b.scans DESC, b.indexname
