-- Whether the current role may vacuum table @oid: VACUUM on a table the role may not maintain only warns and does
-- nothing, so Invoke-PgVacuum refuses it clearly instead.
SELECT CASE WHEN current_setting('server_version_num')::int >= 170000
            THEN has_table_privilege(c.oid, 'MAINTAIN') OR pg_has_role(d.datdba, 'USAGE')   -- 17 still lets the database owner
            ELSE pg_has_role(c.relowner, 'USAGE') OR pg_has_role(d.datdba, 'USAGE') END
  FROM pg_class c, pg_database d
 WHERE c.oid = @oid::oid AND d.datname = current_database()
