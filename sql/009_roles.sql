-- PgPerf schema, version 9: least-privilege roles (issue 7). See docs/security.md.
--
-- pgperf_writer  (NOLOGIN) what Send-PgQueryLog and Measure-PgQuery need, nothing more: insert query logs, see
--                only (logged_at, record_id) of stored logs (so a spool replay can skip rows that already landed),
--                and open or update slow_query alerts (Send-PgQueryLog raises them in the same transaction).
--                It cannot read query text or parameters, change snapshots, or touch anything outside pgperf.
-- pgperf_monitor (NOLOGIN, member of pg_monitor) runs snapshots, reports, jobs and retention: reads and writes
--                the rows of every pgperf table, reads the statistics views; owns nothing and can drop nothing.
--
-- Roles are cluster-wide, so they are created once (when the installer is a superuser or has CREATEROLE) and
-- reused by every database; the GRANTs are per database and run whenever the roles exist. When they cannot be
-- created, the installer gets a WARNING (Install-PgPerfSchema shows it) and a DBA can create them later and run
-- the GRANTs from docs/security.md. Log in with your own LOGIN roles and make them members:
--     CREATE ROLE app_logger LOGIN PASSWORD '...' IN ROLE pgperf_writer;
--     CREATE ROLE perf_ops   LOGIN PASSWORD '...' IN ROLE pgperf_monitor;

DO $roles$
DECLARE
    may_create boolean := (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user);
    created    text[] := '{}';
    r          text;
BEGIN
    FOREACH r IN ARRAY ARRAY['pgperf_writer', 'pgperf_monitor'] LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
        IF NOT may_create THEN
            RAISE WARNING 'pgperf: role % was not created: % is neither superuser nor CREATEROLE. A DBA can create it and run the GRANTs in docs/security.md.', r, current_user;
            CONTINUE;
        END IF;
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            created := created || r;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- an install in another database created it at the same moment
        END;
    END LOOP;
    IF cardinality(created) > 0 THEN
        RAISE NOTICE 'pgperf: created role(s) % (NOLOGIN); grant them to login roles, see docs/security.md', array_to_string(created, ', ');
    END IF;

    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor')
       AND NOT pg_has_role('pgperf_monitor', 'pg_monitor', 'MEMBER') THEN
        BEGIN
            GRANT pg_monitor TO pgperf_monitor;
        EXCEPTION WHEN insufficient_privilege OR unique_violation THEN
            RAISE WARNING 'pgperf: could not make pgperf_monitor a member of pg_monitor (% may not grant it); a superuser can run: GRANT pg_monitor TO pgperf_monitor;', current_user;
        END;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_writer') THEN
        GRANT USAGE ON SCHEMA pgperf TO pgperf_writer;
        -- Every cmdlet first checks the installed schema version.
        GRANT SELECT ON pgperf.schema_migrations TO pgperf_writer;
        GRANT INSERT ON pgperf.query_performance_logs TO pgperf_writer;
        -- The replay's duplicate check (and its RETURNING record_id); not the query text or parameters.
        GRANT SELECT (logged_at, record_id) ON pgperf.query_performance_logs TO pgperf_writer;
        -- slow_query alerts: create_performance_alert's upsert and the last_seen_at fix-up. The policy below
        -- keeps the writer to that alert type.
        GRANT SELECT (id, alert_type, severity, message, details, dedup_key, resolved_at, occurrences, first_seen_at, last_seen_at) ON pgperf.performance_alerts TO pgperf_writer;
        GRANT INSERT (alert_type, severity, subject, message, details, dedup_key, occurrences, first_seen_at, last_seen_at) ON pgperf.performance_alerts TO pgperf_writer;
        GRANT UPDATE (severity, message, details, occurrences, first_seen_at, last_seen_at) ON pgperf.performance_alerts TO pgperf_writer;
        -- The replay stages rows in a temporary table. PUBLIC has TEMPORARY unless a DBA revoked it.
        BEGIN
            EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO pgperf_writer', current_database());
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'pgperf: could not grant TEMPORARY on database % to pgperf_writer; spool replay needs it (PUBLIC has it by default)', current_database();
        END;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT USAGE ON SCHEMA pgperf TO pgperf_monitor;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgperf TO pgperf_monitor;
        -- Only installers change the migration log.
        REVOKE INSERT, UPDATE, DELETE ON pgperf.schema_migrations FROM pgperf_monitor;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pgperf TO pgperf_monitor;
        -- Tables, partitions and sequences that later migrations (or a SECURITY DEFINER partition maintainer)
        -- create as this installer get the same rights. The writer gets nothing by default: it writes through
        -- the partitioned parent, whose grants cover every partition.
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgperf GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pgperf_monitor;
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgperf GRANT USAGE, SELECT ON SEQUENCES TO pgperf_monitor;
    END IF;

    -- Row-level security on the alerts: members of pgperf_writer see and write slow_query alerts only. Everyone
    -- else is unaffected (one permissive policy for all), and the table's owner and superusers bypass it.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_writer')
       AND NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = 'pgperf.performance_alerts'::regclass AND polname = 'pgperf_writer_slow_query_only') THEN
        CREATE POLICY pgperf_all_rows ON pgperf.performance_alerts AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true);
        CREATE POLICY pgperf_writer_slow_query_only ON pgperf.performance_alerts AS RESTRICTIVE FOR ALL TO pgperf_writer
            USING (alert_type = 'slow_query') WITH CHECK (alert_type = 'slow_query');
        ALTER TABLE pgperf.performance_alerts ENABLE ROW LEVEL SECURITY;
    END IF;
END
$roles$;
