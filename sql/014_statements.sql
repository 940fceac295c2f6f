-- PgPerf schema, version 14: server-side statement statistics from pg_stat_statements (issue 14).
--
-- pg_stat_statements keeps cumulative counters per (database, user, queryid, toplevel) since each entry began.
-- PgPerf never resets them (a reset would destroy them for every other tool and person); it stores what changed
-- between two snapshots instead:
--   statement_last       the counters of every entry as last read (one row per entry, bounded by
--                        pg_stat_statements.max): what the next snapshot subtracts;
--   statement_history    one row per entry and snapshot whose calls changed: the difference (range-partitioned
--                        by UTC day, dropped whole by retention);
--   statement_snapshots  one row per snapshot: when, the interval it closes, and what happened in it (a reset
--                        of the statistics, evicted entries, a server restart);
--   statement_texts      the query text, once per queryid (read only for queryids that have history and no text yet).
-- The first snapshot is the baseline: it fills statement_last and writes no history (the counters since the
-- entries began belong to no known interval).

CREATE TABLE pgperf.statement_snapshots (
    captured_at        timestamptz PRIMARY KEY,
    -- the previous snapshot: the interval (prev_captured_at, captured_at] is what this one's history covers
    prev_captured_at   timestamptz,
    server_version_num integer NOT NULL,
    -- pg_stat_statements_info (PostgreSQL 14 and later; NULL on 13)
    stats_reset        timestamptz,
    dealloc            bigint,
    server_started_at  timestamptz NOT NULL,
    is_baseline        boolean NOT NULL,
    -- the statistics were reset in the interval (stats_reset changed): every delta is the new value, a lower bound
    stats_were_reset   boolean NOT NULL DEFAULT false,
    -- entries evicted in the interval (the change of dealloc); an evicted entry created again counts from zero
    entries_evicted    bigint,
    server_restarted   boolean NOT NULL DEFAULT false,
    entries            integer NOT NULL,
    rows_written       integer NOT NULL,
    texts_added        integer NOT NULL
);
COMMENT ON TABLE pgperf.statement_snapshots IS 'PgPerf: one row per pg_stat_statements snapshot (capture_statement_snapshot)';

CREATE TABLE pgperf.statement_texts (
    queryid       bigint PRIMARY KEY,
    query         text NOT NULL,
    -- QueryFingerprint's hash of the text (the same QueryHash as the application's query log). It is computed
    -- by the module (C#), so a snapshot taken from psql leaves it NULL and the next module call fills it in.
    query_hash    text,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statement_texts_hash ON pgperf.statement_texts (query_hash);
CREATE INDEX statement_texts_unhashed ON pgperf.statement_texts (queryid) WHERE query_hash IS NULL;

-- Cumulative counters as last read. sum_sq_exec_time is the sum of squared execution times, rebuilt from
-- pg_stat_statements' mean and (population) stddev: calls * (stddev^2 + mean^2). Differences of it pool the
-- standard deviation exactly across intervals.
CREATE TABLE pgperf.statement_last (
    dbid                oid NOT NULL,
    userid              oid NOT NULL,
    queryid             bigint NOT NULL,
    toplevel            boolean NOT NULL,
    captured_at         timestamptz NOT NULL,
    -- pg_stat_statements.stats_since (PostgreSQL 17 and later): changes when the entry is evicted and created again
    stats_since         timestamptz,
    calls               bigint NOT NULL,
    total_exec_time     double precision NOT NULL,
    sum_sq_exec_time    double precision NOT NULL,
    total_plan_time     double precision NOT NULL,
    rows                bigint NOT NULL,
    shared_blks_hit     bigint NOT NULL,
    shared_blks_read    bigint NOT NULL,
    shared_blks_dirtied bigint NOT NULL,
    shared_blks_written bigint NOT NULL,
    temp_blks_read      bigint NOT NULL,
    temp_blks_written   bigint NOT NULL,
    blk_read_time       double precision NOT NULL,
    blk_write_time      double precision NOT NULL,
    wal_records         bigint NOT NULL,
    wal_bytes           numeric NOT NULL,
    jit_time            double precision,
    PRIMARY KEY (dbid, userid, queryid, toplevel)
) WITH (fillfactor = 70);  -- updated every snapshot, never in a key column: room on the page keeps the updates HOT

-- What changed per entry between two snapshots (the interval ends at captured_at). Times in milliseconds.
CREATE TABLE pgperf.statement_history (
    captured_at         timestamptz NOT NULL,
    dbid                oid NOT NULL,
    userid              oid NOT NULL,
    queryid             bigint NOT NULL,
    toplevel            boolean NOT NULL,
    calls               bigint NOT NULL,
    exec_time_ms        double precision NOT NULL,
    sum_sq_exec_time    double precision NOT NULL,
    plan_time_ms        double precision NOT NULL,
    rows                bigint NOT NULL,
    shared_blks_hit     bigint NOT NULL,
    shared_blks_read    bigint NOT NULL,
    shared_blks_dirtied bigint NOT NULL,
    shared_blks_written bigint NOT NULL,
    temp_blks_read      bigint NOT NULL,
    temp_blks_written   bigint NOT NULL,
    blk_read_time_ms    double precision NOT NULL,
    blk_write_time_ms   double precision NOT NULL,
    wal_records         bigint NOT NULL,
    wal_bytes           bigint NOT NULL,
    jit_time_ms         double precision,
    -- the entry's counters went down, its stats_since changed, or the statistics were reset: the row holds
    -- the counters since that happened (a lower bound of the interval), never a negative difference
    counters_reset      boolean NOT NULL DEFAULT false,
    CONSTRAINT statement_history_pkey PRIMARY KEY (queryid, dbid, userid, toplevel, captured_at)
) PARTITION BY RANGE (captured_at);
COMMENT ON TABLE pgperf.statement_history IS
    'PgPerf: per-entry differences of pg_stat_statements between snapshots; range-partitioned by UTC day (statement_history_pYYYYMMDD)';

-- The daily partitions, oldest first, with their UTC day.
CREATE FUNCTION pgperf.statement_history_partitions()
RETURNS TABLE (partition_name text, day date)
LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text, to_date(substr(c.relname, length('statement_history_p') + 1), 'YYYYMMDD')
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE i.inhparent = 'pgperf.statement_history'::regclass
       AND n.nspname = 'pgperf'
       AND c.relname ~ '^statement_history_p[0-9]{8}$'
     ORDER BY 2
$$;

-- Creates the missing daily partitions for the given UTC days; returns how many it created. Runs with the
-- owner's rights (creating partitions needs the owner of the parent), so pgperf_monitor can capture.
-- There is no default partition: every capture creates its own day first, and past days are only written
-- by whoever created their partition.
CREATE FUNCTION pgperf.ensure_statement_history_partitions(p_days date[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    d       date;
    part    text;
    created integer := 0;
BEGIN
    FOR d IN SELECT DISTINCT x FROM unnest(p_days) AS x WHERE x IS NOT NULL ORDER BY 1 LOOP
        part := 'statement_history_p' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('pgperf.statement_history_partition'), (d - date '2000-01-01'));
        CONTINUE WHEN to_regclass(format('pgperf.%I', part)) IS NOT NULL;
        EXECUTE format('CREATE TABLE pgperf.%I PARTITION OF pgperf.statement_history FOR VALUES FROM (%L) TO (%L)',
                       part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;

-- Drops one daily partition (retention) and returns how many rows it held; refuses anything else. Texts no
-- longer referenced by any history or current entry go with it.
CREATE FUNCTION pgperf.drop_statement_history_partition(p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    part regclass;
    rows_held bigint;
BEGIN
    IF p_name IS NULL OR p_name !~ '^statement_history_p[0-9]{8}$' THEN
        RAISE EXCEPTION 'pgperf.drop_statement_history_partition: % is not a daily statement-history partition name', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    part := to_regclass(format('pgperf.%I', p_name));
    IF part IS NULL THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = part AND inhparent = 'pgperf.statement_history'::regclass) THEN
        RAISE EXCEPTION 'pgperf.drop_statement_history_partition: % is not attached to pgperf.statement_history', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    EXECUTE format('DROP TABLE %s', part);
    DELETE FROM pgperf.statement_texts t
     WHERE NOT EXISTS (SELECT 1 FROM pgperf.statement_last l WHERE l.queryid = t.queryid)
       AND NOT EXISTS (SELECT 1 FROM pgperf.statement_history h WHERE h.queryid = t.queryid);
    RETURN rows_held;
END
$$;

-- Whether pg_stat_statements can be read here, and if not, what to do. The one place that decides it:
-- capture_statement_snapshot raises the reason, the module turns it into PgPerf.Statements.NotAvailable.
-- Whether the library is preloaded is read from pg_settings: pg_stat_statements defines its settings
-- (pg_stat_statements.max, ...) only when loaded through shared_preload_libraries, and pg_settings shows them to
-- every role, whereas shared_preload_libraries itself needs pg_read_all_settings. p_preload, when given, is a
-- shared_preload_libraries value to judge instead (so that the rule can be tested).
CREATE FUNCTION pgperf.statement_source(p_preload text DEFAULT NULL)
RETURNS TABLE (available boolean, preloaded boolean, extension_schema name, reason text)
LANGUAGE sql STABLE
AS $$
    SELECT x.preloaded AND e.nsp IS NOT NULL, x.preloaded, e.nsp,
           CASE WHEN NOT x.preloaded THEN
                     'pg_stat_statements is not loaded on this server: add it to shared_preload_libraries in postgresql.conf '
                     '(shared_preload_libraries = ''pg_stat_statements''), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements '
                     'in database ' || quote_ident(current_database()) || ' (Install-PgPerfSchema does that when it may)'
                WHEN e.nsp IS NULL THEN
                     'the pg_stat_statements extension is not created in database ' || quote_ident(current_database())
                     || ': run CREATE EXTENSION pg_stat_statements as a superuser (Install-PgPerfSchema does it when the installer may)'
           END
      FROM (SELECT CASE WHEN p_preload IS NULL
                        THEN EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max')
                        ELSE 'pg_stat_statements' = ANY (string_to_array(replace(p_preload, ' ', ''), ',')) END AS preloaded) x
      LEFT JOIN (SELECT n.nspname AS nsp FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
                  WHERE x.extname = 'pg_stat_statements') e ON true
$$;

-- The SELECT that reads pg_stat_statements(false) on a server of the given version, in one shape for every
-- version. The one place where the columns of PostgreSQL 13 to 18 are told apart:
--   13     no toplevel (every row is taken as top level), no jit_*, no pg_stat_statements_info
--   14     toplevel
--   15-16  jit_{generation,inlining,optimization,emission}_time
--   17     blk_read_time/blk_write_time renamed shared_blk_read_time/shared_blk_write_time; jit_deform_time;
--          stats_since (when the entry began: a change means it was evicted and created again)
--   18     adds columns PgPerf does not store (wal_buffers_full, parallel workers, generic/custom plan calls)
CREATE FUNCTION pgperf.statement_read_sql(p_server_version_num integer, p_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT s.dbid, s.userid, s.queryid, %s AS toplevel, %s AS stats_since, s.calls, s.total_exec_time, '
        's.calls * (s.stddev_exec_time ^ 2 + s.mean_exec_time ^ 2) AS sum_sq_exec_time, s.total_plan_time, s.rows, '
        's.shared_blks_hit, s.shared_blks_read, s.shared_blks_dirtied, s.shared_blks_written, s.temp_blks_read, s.temp_blks_written, '
        '%s AS blk_read_time, %s AS blk_write_time, s.wal_records, s.wal_bytes, %s AS jit_time '
        'FROM %I.pg_stat_statements(false) s WHERE s.queryid IS NOT NULL',
        CASE WHEN p_server_version_num >= 140000 THEN 's.toplevel' ELSE 'true' END,
        CASE WHEN p_server_version_num >= 170000 THEN 's.stats_since' ELSE 'NULL::timestamptz' END,
        CASE WHEN p_server_version_num >= 170000 THEN 's.shared_blk_read_time' ELSE 's.blk_read_time' END,
        CASE WHEN p_server_version_num >= 170000 THEN 's.shared_blk_write_time' ELSE 's.blk_write_time' END,
        CASE WHEN p_server_version_num >= 170000
                  THEN 's.jit_generation_time + s.jit_inlining_time + s.jit_optimization_time + s.jit_emission_time + s.jit_deform_time'
             WHEN p_server_version_num >= 150000
                  THEN 's.jit_generation_time + s.jit_inlining_time + s.jit_optimization_time + s.jit_emission_time'
             ELSE 'NULL::double precision' END,
        p_schema)
$$;

-- Spec-style entry point (usable from psql or pg_cron without the module): reads pg_stat_statements once,
-- writes the differences of the entries whose calls changed since the previous snapshot, refreshes
-- statement_last, and reads the texts of queryids not seen before. Never resets the statistics.
-- Returns the number of history rows written (0 for the baseline).
CREATE FUNCTION pgperf.capture_statement_snapshot()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    src           record;
    v             integer := current_setting('server_version_num')::integer;
    snap_at       timestamptz;
    prev          pgperf.statement_snapshots;
    info_reset    timestamptz;
    info_dealloc  bigint;
    started       timestamptz := pg_postmaster_start_time();
    baseline      boolean;
    global_reset  boolean;
    n_entries     integer;
    n_written     integer;
    n_texts       integer := 0;
    new_ids       bigint[];
BEGIN
    SELECT * INTO src FROM pgperf.statement_source();
    IF NOT src.available THEN
        RAISE EXCEPTION 'pgperf.statements: %', src.reason USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- One snapshot at a time: two at once would both subtract the same previous reading.
    PERFORM pg_advisory_xact_lock(hashtext('pgperf.capture_statement_snapshot'));
    snap_at := clock_timestamp();
    PERFORM pgperf.ensure_statement_history_partitions(ARRAY[(snap_at AT TIME ZONE 'UTC')::date]);

    SELECT * INTO prev FROM pgperf.statement_snapshots ORDER BY captured_at DESC LIMIT 1;
    baseline := prev.captured_at IS NULL;
    IF v >= 140000 THEN
        EXECUTE format('SELECT stats_reset, dealloc FROM %I.pg_stat_statements_info', src.extension_schema)
           INTO info_reset, info_dealloc;
    END IF;
    global_reset := NOT baseline AND prev.stats_reset IS NOT NULL AND info_reset IS DISTINCT FROM prev.stats_reset;

    EXECUTE format($q$
        WITH cur AS MATERIALIZED (%s),
        j AS (
            SELECT c.*, l.calls AS p_calls,
                   -- a difference would be wrong: count what the entry holds now (it all happened in the interval)
                   (l.calls IS NULL OR $3 OR c.calls < l.calls OR c.total_exec_time < l.total_exec_time
                    OR c.rows < l.rows OR c.shared_blks_hit < l.shared_blks_hit OR c.shared_blks_read < l.shared_blks_read
                    OR c.stats_since IS DISTINCT FROM l.stats_since) AS whole,
                   (l.calls IS NOT NULL) AS known,
                   l.total_exec_time AS p_exec, l.sum_sq_exec_time AS p_sq, l.total_plan_time AS p_plan, l.rows AS p_rows,
                   l.shared_blks_hit AS p_hit, l.shared_blks_read AS p_read, l.shared_blks_dirtied AS p_dirtied,
                   l.shared_blks_written AS p_written, l.temp_blks_read AS p_tread, l.temp_blks_written AS p_twritten,
                   l.blk_read_time AS p_rtime, l.blk_write_time AS p_wtime, l.wal_records AS p_walrec, l.wal_bytes AS p_wal,
                   l.jit_time AS p_jit
              FROM cur c
              LEFT JOIN pgperf.statement_last l
                ON l.dbid = c.dbid AND l.userid = c.userid AND l.queryid = c.queryid AND l.toplevel = c.toplevel
        ),
        changed AS (
            SELECT * FROM j WHERE p_calls IS NULL OR calls <> p_calls OR whole
        ),
        hist AS (
            INSERT INTO pgperf.statement_history
                (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                 shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written,
                 blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes, jit_time_ms, counters_reset)
            SELECT $1, c.dbid, c.userid, c.queryid, c.toplevel,
                   CASE WHEN c.whole THEN c.calls ELSE c.calls - c.p_calls END,
                   greatest(CASE WHEN c.whole THEN c.total_exec_time ELSE c.total_exec_time - c.p_exec END, 0),
                   greatest(CASE WHEN c.whole THEN c.sum_sq_exec_time ELSE c.sum_sq_exec_time - c.p_sq END, 0),
                   greatest(CASE WHEN c.whole THEN c.total_plan_time ELSE c.total_plan_time - c.p_plan END, 0),
                   CASE WHEN c.whole THEN c.rows ELSE c.rows - c.p_rows END,
                   CASE WHEN c.whole THEN c.shared_blks_hit ELSE c.shared_blks_hit - c.p_hit END,
                   CASE WHEN c.whole THEN c.shared_blks_read ELSE c.shared_blks_read - c.p_read END,
                   greatest(CASE WHEN c.whole THEN c.shared_blks_dirtied ELSE c.shared_blks_dirtied - c.p_dirtied END, 0),
                   greatest(CASE WHEN c.whole THEN c.shared_blks_written ELSE c.shared_blks_written - c.p_written END, 0),
                   greatest(CASE WHEN c.whole THEN c.temp_blks_read ELSE c.temp_blks_read - c.p_tread END, 0),
                   greatest(CASE WHEN c.whole THEN c.temp_blks_written ELSE c.temp_blks_written - c.p_twritten END, 0),
                   greatest(CASE WHEN c.whole THEN c.blk_read_time ELSE c.blk_read_time - c.p_rtime END, 0),
                   greatest(CASE WHEN c.whole THEN c.blk_write_time ELSE c.blk_write_time - c.p_wtime END, 0),
                   greatest(CASE WHEN c.whole THEN c.wal_records ELSE c.wal_records - c.p_walrec END, 0),
                   greatest(CASE WHEN c.whole THEN c.wal_bytes ELSE c.wal_bytes - c.p_wal END, 0)::bigint,
                   greatest(CASE WHEN c.whole THEN c.jit_time ELSE c.jit_time - c.p_jit END, 0),
                   c.whole AND c.known
              FROM changed c
             WHERE NOT $2 AND CASE WHEN c.whole THEN c.calls ELSE c.calls - c.p_calls END > 0
            RETURNING 1
        ),
        upsert AS (
            INSERT INTO pgperf.statement_last AS l
                (dbid, userid, queryid, toplevel, captured_at, stats_since, calls, total_exec_time, sum_sq_exec_time,
                 total_plan_time, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
                 temp_blks_read, temp_blks_written, blk_read_time, blk_write_time, wal_records, wal_bytes, jit_time)
            SELECT c.dbid, c.userid, c.queryid, c.toplevel, $1, c.stats_since, c.calls, c.total_exec_time, c.sum_sq_exec_time,
                   c.total_plan_time, c.rows, c.shared_blks_hit, c.shared_blks_read, c.shared_blks_dirtied, c.shared_blks_written,
                   c.temp_blks_read, c.temp_blks_written, c.blk_read_time, c.blk_write_time, c.wal_records, c.wal_bytes, c.jit_time
              FROM changed c
            ON CONFLICT (dbid, userid, queryid, toplevel) DO UPDATE
               SET captured_at = excluded.captured_at, stats_since = excluded.stats_since, calls = excluded.calls,
                   total_exec_time = excluded.total_exec_time, sum_sq_exec_time = excluded.sum_sq_exec_time,
                   total_plan_time = excluded.total_plan_time, rows = excluded.rows,
                   shared_blks_hit = excluded.shared_blks_hit, shared_blks_read = excluded.shared_blks_read,
                   shared_blks_dirtied = excluded.shared_blks_dirtied, shared_blks_written = excluded.shared_blks_written,
                   temp_blks_read = excluded.temp_blks_read, temp_blks_written = excluded.temp_blks_written,
                   blk_read_time = excluded.blk_read_time, blk_write_time = excluded.blk_write_time,
                   wal_records = excluded.wal_records, wal_bytes = excluded.wal_bytes, jit_time = excluded.jit_time
        ),
        gone AS (
            -- entries evicted or reset away: forget them, so that one created again counts from zero
            DELETE FROM pgperf.statement_last l
             WHERE NOT EXISTS (SELECT 1 FROM cur c
                                WHERE c.dbid = l.dbid AND c.userid = l.userid AND c.queryid = l.queryid AND c.toplevel = l.toplevel)
        )
        -- (upsert and gone run whether read or not: data-modifying WITH clauses always run once)
        SELECT (SELECT count(*) FROM cur)::integer, (SELECT count(*) FROM hist)::integer,
               -- texts are needed only for statements with history: the baseline reads none
               ARRAY(SELECT DISTINCT c.queryid FROM changed c
                      WHERE NOT $2 AND NOT EXISTS (SELECT 1 FROM pgperf.statement_texts t WHERE t.queryid = c.queryid))
    $q$, pgperf.statement_read_sql(v, src.extension_schema))
    INTO n_entries, n_written, new_ids
    USING snap_at, baseline, global_reset;

    -- Texts only for queryids with history and no text yet: pg_stat_statements(true) reads the whole text file.
    IF cardinality(new_ids) > 0 THEN
        EXECUTE format(
            'INSERT INTO pgperf.statement_texts (queryid, query, first_seen_at) '
            'SELECT DISTINCT ON (s.queryid) s.queryid, s.query, $2 FROM %I.pg_stat_statements(true) s '
            'WHERE s.queryid = ANY ($1) AND s.query IS NOT NULL ORDER BY s.queryid '
            'ON CONFLICT (queryid) DO NOTHING', src.extension_schema)
        USING new_ids, snap_at;
        GET DIAGNOSTICS n_texts = ROW_COUNT;
    END IF;

    INSERT INTO pgperf.statement_snapshots
        (captured_at, prev_captured_at, server_version_num, stats_reset, dealloc, server_started_at, is_baseline,
         stats_were_reset, entries_evicted, server_restarted, entries, rows_written, texts_added)
    VALUES (snap_at, prev.captured_at, v, info_reset, info_dealloc, started, baseline,
            global_reset, CASE WHEN NOT baseline THEN greatest(info_dealloc - prev.dealloc, 0) END,
            NOT baseline AND started IS DISTINCT FROM prev.server_started_at,
            n_entries, n_written, n_texts);
    RETURN n_written;
END
$$;
COMMENT ON FUNCTION pgperf.capture_statement_snapshot() IS
    'PgPerf: snapshot of pg_stat_statements (call hourly): stores the changes since the previous snapshot; the first is the baseline. Never resets the statistics.';

-- The history of the statements that ran in the window (intervals whose end falls in (p_since, p_until]),
-- summed per entry. The one home of the window's sums: top statements, the comparison and the link to the
-- application's log read it.
CREATE FUNCTION pgperf.statement_window(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    dbid oid, userid oid, queryid bigint, toplevel boolean, calls bigint, exec_time_ms double precision,
    sum_sq_exec_time double precision, plan_time_ms double precision, rows bigint, shared_blks_hit bigint,
    shared_blks_read bigint, temp_blks_written bigint, wal_bytes bigint, counters_reset boolean)
LANGUAGE sql STABLE
AS $$
    SELECT h.dbid, h.userid, h.queryid, h.toplevel, sum(h.calls)::bigint, sum(h.exec_time_ms), sum(h.sum_sq_exec_time),
           sum(h.plan_time_ms), sum(h.rows)::bigint, sum(h.shared_blks_hit)::bigint, sum(h.shared_blks_read)::bigint,
           sum(h.temp_blks_written)::bigint, sum(h.wal_bytes)::bigint, bool_or(h.counters_reset)
      FROM pgperf.statement_history h
     WHERE h.captured_at > p_since AND h.captured_at <= p_until
     GROUP BY 1, 2, 3, 4
$$;

-- Install-PgPerfSchema creates the extension when the library is preloaded and the installer may.
DO $$
BEGIN
    IF (SELECT x.preloaded AND x.extension_schema IS NULL FROM pgperf.statement_source() x) THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'pgperf: could not create the extension pg_stat_statements (% may not); a superuser can run CREATE EXTENSION pg_stat_statements; in this database', current_user;
        END;
    END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION pgperf.ensure_statement_history_partitions(date[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION pgperf.drop_statement_history_partition(text) FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON pgperf.statement_snapshots, pgperf.statement_texts,
              pgperf.statement_last, pgperf.statement_history TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.ensure_statement_history_partitions(date[]) TO pgperf_monitor;
        GRANT EXECUTE ON FUNCTION pgperf.drop_statement_history_partition(text) TO pgperf_monitor;
    END IF;
END
$$;
