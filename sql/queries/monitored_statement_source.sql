-- Statement snapshot into a repository, on the monitored server: its version, whether pg_stat_statements is
-- preloaded (its settings exist only then, and pg_settings shows them to every role) and the extension's schema.
SELECT current_setting('server_version_num')::integer AS server_version_num,
       EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max') AS preloaded,
       (SELECT n.nspname::text FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
         WHERE x.extname = 'pg_stat_statements') AS extension_schema
