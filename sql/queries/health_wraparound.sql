-- Get-PgWraparoundRisk: every database, then the current database's tables, oldest first (a table's age is the
-- older of its heap and its TOAST table). The Engine keeps the oldest @top_tables and any other table whose
-- status is not Ok (a small per-table autovacuum_freeze_max_age can put a young table past its limit). The freeze limits in effect: the server's settings, or a table's smaller
-- autovacuum_freeze_max_age / autovacuum_multixact_freeze_max_age reloption (larger ones are ignored).
-- The percentages and statuses are worked out by PgHealthRules.
WITH settings AS (
    SELECT current_setting('autovacuum_freeze_max_age')::bigint           AS freeze_max_age,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS multixact_freeze_max_age
), databases AS (
    SELECT 'Database'::text AS scope, d.datname::text AS database, NULL::text AS schema, NULL::text AS table_name,
           age(d.datfrozenxid)::bigint AS xid_age, mxid_age(d.datminmxid)::bigint AS mxid_age,
           s.freeze_max_age, s.multixact_freeze_max_age, 0 AS sort_group
      FROM pg_database d CROSS JOIN settings s
), tables AS (
    SELECT 'Table'::text, current_database()::text, n.nspname::text, c.relname::text,
           greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0))::bigint,
           greatest(mxid_age(c.relminmxid), coalesce(mxid_age(t.relminmxid), 0))::bigint,
           least(s.freeze_max_age, (SELECT o.option_value::bigint FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'autovacuum_freeze_max_age')),
           least(s.multixact_freeze_max_age, (SELECT o.option_value::bigint FROM pg_options_to_table(c.reloptions) o WHERE o.option_name = 'autovacuum_multixact_freeze_max_age')),
           1
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
     CROSS JOIN settings s
     WHERE c.relkind IN ('r', 'm')
       AND NOT pg_is_other_temp_schema(c.relnamespace)
)
SELECT * FROM databases
UNION ALL
SELECT * FROM tables
ORDER BY sort_group, xid_age DESC, mxid_age DESC
