-- Get-PgSequenceRisk: every sequence with the column it feeds. A sequence feeds a column through an identity
-- (pg_depend 'i'), OWNED BY / serial ('a'), or a nextval() default that is not owned (the default's pg_attrdef
-- depends on it). Of several columns, the one whose type runs out first is kept. last_value is NULL when the
-- sequence was never called or this login may not read it (see health_sequence_last_values.sql).
-- The sequences come from the catalog (pg_sequence by oid), not from the pg_sequences view: that view has no oid,
-- and joining it back to pg_class by name made the planner expect one row and run the columns part once per
-- sequence (4.6 s for 3,000 sequences; bench/HealthSequences.Bench.ps1). last_value is what pg_sequences shows.
WITH fed AS (
    SELECT d.objid AS seq_oid, a.attrelid AS table_oid, a.attnum,
           CASE d.deptype WHEN 'i' THEN 'Identity' ELSE 'Serial' END AS usage
      FROM pg_depend d
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
    UNION
    SELECT d.refobjid, ad.adrelid, ad.adnum, 'Default'
      FROM pg_depend d
      JOIN pg_attrdef ad ON ad.oid = d.objid
     WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'
), columns AS (
    SELECT DISTINCT ON (f.seq_oid) f.seq_oid, tn.nspname AS table_schema, tc.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, NULL) AS column_type, f.usage
      FROM fed f
      JOIN pg_class tc ON tc.oid = f.table_oid
      JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      JOIN pg_attribute a ON a.attrelid = f.table_oid AND a.attnum = f.attnum AND NOT a.attisdropped
     ORDER BY f.seq_oid,
              CASE a.atttypid WHEN 'int2'::regtype THEN 1 WHEN 'int4'::regtype THEN 2 WHEN 'int8'::regtype THEN 3 ELSE 4 END,
              f.usage DESC
)
SELECT c.oid::bigint AS seq_oid, n.nspname::text AS schema, c.relname::text AS sequence,
       col.table_schema::text, col.table_name::text, col.column_name::text, col.column_type,
       coalesce(col.usage, 'None') AS usage,
       format_type(s.seqtypid, NULL) AS data_type,
       CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid) END AS last_value,
       s.seqincrement AS increment_by, s.seqmin AS min_value, s.seqmax AS max_value, s.seqcycle AS cycle,
       has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN columns col ON col.seq_oid = c.oid
 WHERE NOT pg_is_other_temp_schema(c.relnamespace)
 ORDER BY n.nspname, c.relname
