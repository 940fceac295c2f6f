-- Remove-PgIndex writes the way back (and commits it) before the DROP; returns the log row's id.
INSERT INTO pgperf.index_drop_log (schemaname, tablename, indexname, size_bytes, drop_sql, rollback_ddl)
VALUES (@Schema, @Table, @Index, @SizeBytes, @DropSql, @RollbackDdl)
RETURNING id
