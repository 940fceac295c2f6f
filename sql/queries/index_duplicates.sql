-- Redundant indexes, compared structurally in pg_index (never by text of the definition): same table,
-- access method and predicate. Exact = same key and INCLUDE columns, operator classes, collations,
-- per-column options, expressions and (outside btree) storage options such as BRIN's pages_per_range.
-- LeftPrefix = a plain btree index whose key columns (with their operator classes, collations and options,
-- expressions included) lead another btree index's keys and whose INCLUDE columns are all in the other one:
-- (a) is covered by (a, b) and by (a) INCLUDE (b); (a) INCLUDE (b) by (a, b); (lower(d)) by (lower(d), a).
-- The side proposed for dropping ("a") never backs a constraint (primary key, unique, exclusion, or the
-- target of a foreign key) or the replica identity, is never a partition's index attached to a partitioned
-- index (it cannot be dropped on its own: the parent pair is reported instead), and a unique index is
-- proposed only when an equally unique index, checked at the same time (not DEFERRABLE where it is
-- immediate), covers it. Pairs go one way only, so dropping every proposed index still leaves a cover.
WITH RECURSIVE
-- Predicates in PostgreSQL's stored form (the node tree, without the source positions), with each
-- "constant op column" comparison turned round to "column commutator constant": WHERE 0 < c is WHERE c > 0.
-- Each step rewrites one comparison; one with no commutator is marked so that it is not matched again.
pred_steps(indexrelid, pred) AS (
    SELECT i.indexrelid, regexp_replace(i.indpred::text, ' :location -?[0-9]+', '', 'g')
      FROM pg_index i
     WHERE i.indpred IS NOT NULL
    UNION ALL
    SELECT s.indexrelid,
           replace(s.pred, m.m[1], CASE WHEN c.oid IS NULL THEN replace(m.m[1], '{OPEXPR ', '{OPEXPR* ')
                                        ELSE format('{OPEXPR :opno %s :opfuncid %s %s :args (%s %s)}', c.oid, c.oprcode::oid, m.m[3], m.m[5], m.m[4]) END)
      FROM pred_steps s
     CROSS JOIN LATERAL regexp_match(s.pred,
           '(\{OPEXPR :opno ([0-9]+) :opfuncid [0-9]+ (:opresulttype [^{}]*) :args \((\{CONST [^{}]*\}) (\{VAR [^{}]*\})\)\})') AS m(m)
      LEFT JOIN pg_operator o ON o.oid = m.m[2]::oid
      LEFT JOIN pg_operator c ON c.oid = o.oprcom AND o.oprcom <> 0
     WHERE m.m IS NOT NULL
), preds AS (
    SELECT indexrelid, pred FROM pred_steps
     WHERE regexp_match(pred, '\{OPEXPR :opno [0-9]+ :opfuncid [0-9]+ :opresulttype [^{}]* :args \(\{CONST [^{}]*\} \{VAR [^{}]*\}\)\}') IS NULL
), partitioned_indexes AS (
    -- A partitioned table's index has no storage or statistics of its own: its partitions' indexes have them.
    SELECT p.oid AS indexrelid, sum(pc.relpages) AS pages, sum(coalesce(ps.idx_scan, 0)) AS scans
      FROM pg_class p
     CROSS JOIN LATERAL pg_partition_tree(p.oid) pt
      JOIN pg_class pc ON pc.oid = pt.relid
      LEFT JOIN pg_stat_all_indexes ps ON ps.indexrelid = pt.relid
     WHERE p.relkind = 'I'
     GROUP BY p.oid
), ix AS (
    SELECT i.indexrelid, i.indrelid, n.nspname AS schemaname, t.relname AS tablename, c.relname AS indexname, c.relam,
           i.indnatts, i.indnkeyatts,
           -- Each column: a table column by its number, an expression as PostgreSQL prints it (pg_get_indexdef
           -- is called for expression columns only: it costs about a millisecond a call).
           ARRAY(SELECT CASE WHEN kk.attnum <> 0 THEN kk.attnum::text ELSE pg_get_indexdef(i.indexrelid, kk.k::int, false) END
                   FROM unnest(string_to_array(i.indkey::text, ' ')::int[]) WITH ORDINALITY AS kk(attnum, k) ORDER BY kk.k) AS cols,
           string_to_array(i.indclass::text, ' ')::oid[] AS opclasses,
           string_to_array(i.indcollation::text, ' ')::oid[] AS collations,
           string_to_array(i.indoption::text, ' ')::int[] AS options,
           ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o) AS reloptions,
           p.pred,
           i.indisunique, i.indisprimary, i.indisexclusion, i.indisreplident, i.indimmediate,
           -- indnullsnotdistinct exists from PostgreSQL 15 on; before that every unique index treats NULLs as distinct.
           coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS backs_constraint,
           EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) AS attached_to_parent,
           CASE WHEN c.relkind = 'I' THEN coalesce(pi.pages, 0) ELSE c.relpages END::bigint * current_setting('block_size')::bigint AS size_bytes,
           CASE WHEN c.relkind = 'I' THEN coalesce(pi.scans, 0) ELSE coalesce(s.idx_scan, 0) END::bigint AS scans
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      LEFT JOIN preds p ON p.indexrelid = i.indexrelid
      LEFT JOIN partitioned_indexes pi ON pi.indexrelid = i.indexrelid
      LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
     WHERE i.indisvalid AND i.indislive
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgperf') AND n.nspname NOT LIKE 'pg\_toast%'
), ranked AS (
    SELECT ix.*, (indisunique OR indisprimary OR indisexclusion OR indisreplident OR backs_constraint) AS enforces,
           relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AS is_btree
      FROM ix
)
-- One row per redundant index: its best cover (an exact twin first, then the most used).
SELECT DISTINCT ON (a.schemaname, a.tablename, a.indexname)
       a.schemaname AS "Schema", a.tablename AS "Table", a.indexname AS "Index", b.indexname AS "CoveredBy",
       CASE WHEN a.indnatts = b.indnatts AND a.indnkeyatts = b.indnkeyatts AND a.cols = b.cols THEN 'Exact' ELSE 'LeftPrefix' END AS "Kind",
       a.size_bytes AS "SizeBytes", b.size_bytes AS "CoveredBySizeBytes", a.scans AS "Scans", b.scans AS "CoveredByScans",
       a.indisunique AS "IsUnique", b.indisunique AS "CoveredByIsUnique",
       pg_get_indexdef(a.indexrelid) AS "Definition", pg_get_indexdef(b.indexrelid) AS "CoveredByDefinition"
  FROM ranked a
  JOIN ranked b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
               AND b.pred IS NOT DISTINCT FROM a.pred
 WHERE NOT (a.indisprimary OR a.indisexclusion OR a.indisreplident OR a.backs_constraint OR a.attached_to_parent)
   AND (
        -- Exact: a unique index is redundant only next to an equally unique one checked at the same time; of
        -- two equals the one that enforces less, then the less used, then the newer is proposed.
        (a.indnatts = b.indnatts AND a.indnkeyatts = b.indnkeyatts AND a.cols = b.cols AND a.opclasses = b.opclasses
         AND a.collations = b.collations AND a.options = b.options
         AND (a.is_btree OR a.reloptions = b.reloptions)
         AND (NOT a.indisunique OR (b.indisunique AND a.nulls_not_distinct = b.nulls_not_distinct AND a.indimmediate = b.indimmediate))
         AND ((b.enforces AND NOT a.enforces)
              OR (b.enforces = a.enforces AND (a.scans < b.scans OR (a.scans = b.scans AND a.indexrelid > b.indexrelid)))))
     OR
        -- LeftPrefix: only btree keeps its leading columns usable on their own. a's keys lead b's keys and
        -- every INCLUDE column of a is somewhere in b. When each covers the other (the same INCLUDE columns
        -- in another order) the newer is proposed.
        (a.is_btree AND NOT a.indisunique AND a.indnkeyatts <= b.indnkeyatts
         AND a.cols[1:a.indnkeyatts] = b.cols[1:a.indnkeyatts] AND a.opclasses = b.opclasses[1:a.indnkeyatts]
         AND a.collations = b.collations[1:a.indnkeyatts] AND a.options = b.options[1:a.indnkeyatts]
         AND a.cols[a.indnkeyatts + 1:a.indnatts] <@ b.cols
         AND NOT (a.indnatts = b.indnatts AND a.indnkeyatts = b.indnkeyatts AND a.cols = b.cols)
         AND (a.indnkeyatts < b.indnkeyatts OR a.indnatts < b.indnatts
              OR (a.indnatts = b.indnatts AND (NOT b.cols[b.indnkeyatts + 1:b.indnatts] <@ a.cols OR a.indexrelid > b.indexrelid))))
   )
 ORDER BY a.schemaname, a.tablename, a.indexname, (a.indnatts = b.indnatts AND a.indnkeyatts = b.indnkeyatts AND a.cols = b.cols) DESC, b.scans DESC, b.indexname
