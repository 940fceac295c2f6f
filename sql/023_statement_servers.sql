-- PgPerf schema, version 23: statement statistics per server, so a central repository stores many (issue 17).
--
-- One set of tables and one set of rules for both ways of running PgPerf: every statement table gets server_id
-- (0 = this database, migration 022's registry row) as the first column of its keys, and the capture is split in two:
--   read    statement_reading_sql(version, schema) and statement_text_read_sql(schema): the SQL that runs on the
--           monitored server (pg_monitor is enough; nothing of PgPerf is installed there). The module fetches the
--           text from the repository and runs it there, so it lives here once;
--   ingest  ingest_statement_snapshot(server_id, ...) and ingest_statement_texts(server_id, ...): the rules of 014
--           and 019 (deltas, resets, evictions, restarts, running totals), applied to the rows read, for one server.
-- capture_statement_snapshot() (local, psql, pg_cron) is "read here, ingest as server 0": behaviour unchanged.

ALTER TABLE pgperf.statement_snapshots ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.statement_texts     ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.statement_last      ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.statement_history   ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.statement_daily     ADD COLUMN server_id integer NOT NULL DEFAULT 0;
ALTER TABLE pgperf.statement_running   ADD COLUMN server_id integer NOT NULL DEFAULT 0;

-- server_id first in every key: a server's rows sit together, and the keys hold on a repository distributed by it.
ALTER TABLE pgperf.statement_snapshots DROP CONSTRAINT statement_snapshots_pkey, ADD PRIMARY KEY (server_id, captured_at);
ALTER TABLE pgperf.statement_texts     DROP CONSTRAINT statement_texts_pkey, ADD PRIMARY KEY (server_id, queryid);
ALTER TABLE pgperf.statement_last      DROP CONSTRAINT statement_last_pkey, ADD PRIMARY KEY (server_id, dbid, userid, queryid, toplevel);
ALTER TABLE pgperf.statement_history   DROP CONSTRAINT statement_history_pkey,
    ADD CONSTRAINT statement_history_pkey PRIMARY KEY (server_id, queryid, dbid, userid, toplevel, captured_at);
ALTER TABLE pgperf.statement_daily     DROP CONSTRAINT statement_daily_pkey, ADD PRIMARY KEY (server_id, dbid, userid, queryid, toplevel, day);
ALTER TABLE pgperf.statement_running   DROP CONSTRAINT statement_running_pkey, ADD PRIMARY KEY (server_id, dbid, userid, queryid, toplevel);

-- One row of pg_stat_statements as statement_read_sql reads it: what a reading carries from the monitored server.
CREATE TYPE pgperf.statement_reading AS (
    dbid oid, userid oid, queryid bigint, toplevel boolean, stats_since timestamptz, calls bigint,
    total_exec_time double precision, sum_sq_exec_time double precision, total_plan_time double precision, rows bigint,
    shared_blks_hit bigint, shared_blks_read bigint, shared_blks_dirtied bigint, shared_blks_written bigint,
    temp_blks_read bigint, temp_blks_written bigint, blk_read_time double precision, blk_write_time double precision,
    wal_records bigint, wal_bytes numeric, jit_time double precision);

-- One snapshot of a server at a time: two at once would both subtract the same previous reading. Taken before
-- the server is read and held until its rows are ingested.
CREATE FUNCTION pgperf.lock_statement_snapshot(p_server_id integer)
RETURNS void
LANGUAGE sql
AS $$
    SELECT pg_advisory_xact_lock(hashtext('pgperf.capture_statement_snapshot'), p_server_id)
$$;

-- The one query that reads a server for a snapshot (run there, as any pg_monitor login): its version, start time,
-- pg_stat_statements_info (14 and later) and every entry as a jsonb array of statement_reading.
CREATE FUNCTION pgperf.statement_reading_sql(p_server_version_num integer, p_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT current_setting(''server_version_num'')::integer AS server_version_num, pg_postmaster_start_time() AS server_started_at, '
        '%s AS stats_reset, %s AS dealloc, (SELECT coalesce(jsonb_agg(r), ''[]''::jsonb) FROM (%s) r) AS entries',
        CASE WHEN p_server_version_num >= 140000 THEN format('(SELECT i.stats_reset FROM %I.pg_stat_statements_info i)', p_schema)
             ELSE 'NULL::timestamptz' END,
        CASE WHEN p_server_version_num >= 140000 THEN format('(SELECT i.dealloc FROM %I.pg_stat_statements_info i)', p_schema)
             ELSE 'NULL::bigint' END,
        pgperf.statement_read_sql(p_server_version_num, p_schema))
$$;

-- The texts of the given queryids ($1, bigint[]) as a jsonb array of {queryid, query}, run on the monitored
-- server: pg_stat_statements(true) reads the whole text file, so only for queryids with history and no text yet.
CREATE FUNCTION pgperf.statement_text_read_sql(p_schema name)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT format(
        'SELECT coalesce(jsonb_agg(jsonb_build_object(''queryid'', t.queryid, ''query'', t.query)), ''[]''::jsonb) '
        'FROM (SELECT DISTINCT ON (s.queryid) s.queryid, s.query FROM %I.pg_stat_statements(true) s '
        'WHERE s.queryid = ANY ($1) AND s.query IS NOT NULL ORDER BY s.queryid) t', p_schema)
$$;

-- The rules of a snapshot, for one server: the rows read (p_entries, from statement_reading_sql) against that
-- server's previous reading. Writes the differences of the entries whose calls changed, refreshes statement_last
-- and the rollup, records the snapshot, and returns what it wrote and which queryids need their text (read them
-- with statement_text_read_sql and pass them to ingest_statement_texts). The first snapshot of a server is its
-- baseline. Call it with lock_statement_snapshot(p_server_id) taken before the server was read.
CREATE FUNCTION pgperf.ingest_statement_snapshot(p_server_id integer, p_server_version_num integer, p_server_started_at timestamptz,
                                                 p_stats_reset timestamptz, p_dealloc bigint, p_entries jsonb)
RETURNS TABLE (captured_at timestamptz, rows_written integer, missing_texts bigint[])
LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    snap_at       timestamptz;
    prev          pgperf.statement_snapshots;
    baseline      boolean;
    global_reset  boolean;
    n_entries     integer;
    n_written     integer;
    new_ids       bigint[];
    writer        text := current_setting('pgperf.statement_rollup_writer', true);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pgperf.monitored_servers s WHERE s.server_id = p_server_id) THEN
        RAISE EXCEPTION 'pgperf.ingest_statement_snapshot: server % is not registered in pgperf.monitored_servers', p_server_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM pgperf.lock_statement_snapshot(p_server_id);
    snap_at := clock_timestamp();
    PERFORM pgperf.ensure_statement_history_partitions(ARRAY[(snap_at AT TIME ZONE 'UTC')::date]);

    SELECT * INTO prev FROM pgperf.statement_snapshots s WHERE s.server_id = p_server_id ORDER BY s.captured_at DESC LIMIT 1;
    baseline := prev.captured_at IS NULL;
    global_reset := NOT baseline AND prev.stats_reset IS NOT NULL AND p_stats_reset IS DISTINCT FROM prev.stats_reset;

    -- this statement keeps the rollup in step itself: the triggers on statement_history stand aside
    PERFORM set_config('pgperf.statement_rollup_writer', 'on', true);
    EXECUTE $q$
        WITH cur AS MATERIALIZED (SELECT * FROM jsonb_populate_recordset(NULL::pgperf.statement_reading, $4)),
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
                ON l.server_id = $5 AND l.dbid = c.dbid AND l.userid = c.userid AND l.queryid = c.queryid AND l.toplevel = c.toplevel
        ),
        changed AS (
            SELECT * FROM j WHERE p_calls IS NULL OR calls <> p_calls OR whole
        ),
        delta AS (
            SELECT c.dbid, c.userid, c.queryid, c.toplevel,
                   CASE WHEN c.whole THEN c.calls ELSE c.calls - c.p_calls END AS calls,
                   greatest(CASE WHEN c.whole THEN c.total_exec_time ELSE c.total_exec_time - c.p_exec END, 0) AS exec_time_ms,
                   greatest(CASE WHEN c.whole THEN c.sum_sq_exec_time ELSE c.sum_sq_exec_time - c.p_sq END, 0) AS sum_sq_exec_time,
                   greatest(CASE WHEN c.whole THEN c.total_plan_time ELSE c.total_plan_time - c.p_plan END, 0) AS plan_time_ms,
                   CASE WHEN c.whole THEN c.rows ELSE c.rows - c.p_rows END AS rows,
                   CASE WHEN c.whole THEN c.shared_blks_hit ELSE c.shared_blks_hit - c.p_hit END AS shared_blks_hit,
                   CASE WHEN c.whole THEN c.shared_blks_read ELSE c.shared_blks_read - c.p_read END AS shared_blks_read,
                   greatest(CASE WHEN c.whole THEN c.shared_blks_dirtied ELSE c.shared_blks_dirtied - c.p_dirtied END, 0) AS shared_blks_dirtied,
                   greatest(CASE WHEN c.whole THEN c.shared_blks_written ELSE c.shared_blks_written - c.p_written END, 0) AS shared_blks_written,
                   greatest(CASE WHEN c.whole THEN c.temp_blks_read ELSE c.temp_blks_read - c.p_tread END, 0) AS temp_blks_read,
                   greatest(CASE WHEN c.whole THEN c.temp_blks_written ELSE c.temp_blks_written - c.p_twritten END, 0) AS temp_blks_written,
                   greatest(CASE WHEN c.whole THEN c.blk_read_time ELSE c.blk_read_time - c.p_rtime END, 0) AS blk_read_time_ms,
                   greatest(CASE WHEN c.whole THEN c.blk_write_time ELSE c.blk_write_time - c.p_wtime END, 0) AS blk_write_time_ms,
                   greatest(CASE WHEN c.whole THEN c.wal_records ELSE c.wal_records - c.p_walrec END, 0) AS wal_records,
                   greatest(CASE WHEN c.whole THEN c.wal_bytes ELSE c.wal_bytes - c.p_wal END, 0)::bigint AS wal_bytes,
                   greatest(CASE WHEN c.whole THEN c.jit_time ELSE c.jit_time - c.p_jit END, 0) AS jit_time_ms,
                   c.whole AND c.known AS counters_reset
              FROM changed c
             WHERE NOT $2 AND CASE WHEN c.whole THEN c.calls ELSE c.calls - c.p_calls END > 0
        ),
        hist AS (
            INSERT INTO pgperf.statement_history
                (server_id, captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                 shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written,
                 blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes, jit_time_ms, counters_reset,
                 run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                 run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT $5, $1, d.dbid, d.userid, d.queryid, d.toplevel, d.calls, d.exec_time_ms, d.sum_sq_exec_time, d.plan_time_ms, d.rows,
                   d.shared_blks_hit, d.shared_blks_read, d.shared_blks_dirtied, d.shared_blks_written, d.temp_blks_read,
                   d.temp_blks_written, d.blk_read_time_ms, d.blk_write_time_ms, d.wal_records, d.wal_bytes, d.jit_time_ms, d.counters_reset,
                   -- the running totals go on from the entry's latest interval (zero for its first)
                   coalesce(r.run_calls, 0) + d.calls, coalesce(r.run_exec_time_ms, 0) + d.exec_time_ms,
                   coalesce(r.run_sum_sq_exec_time, 0) + d.sum_sq_exec_time, coalesce(r.run_plan_time_ms, 0) + d.plan_time_ms,
                   coalesce(r.run_rows, 0) + d.rows, coalesce(r.run_shared_blks_hit, 0) + d.shared_blks_hit,
                   coalesce(r.run_shared_blks_read, 0) + d.shared_blks_read, coalesce(r.run_temp_blks_written, 0) + d.temp_blks_written,
                   coalesce(r.run_wal_bytes, 0) + d.wal_bytes, coalesce(r.run_resets, 0) + d.counters_reset::integer
              FROM delta d
              LEFT JOIN pgperf.statement_running r
                ON r.server_id = $5 AND r.dbid = d.dbid AND r.userid = d.userid AND r.queryid = d.queryid AND r.toplevel = d.toplevel
            RETURNING captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                      shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, counters_reset,
                      run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                      run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets
        ),
        daily AS (
            -- this interval is the entry's latest: its totals become the day's
            INSERT INTO pgperf.statement_daily AS y
                (server_id, day, dbid, userid, queryid, toplevel, first_at, last_at, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                 shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, resets,
                 run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                 run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT $5, (h.captured_at AT TIME ZONE 'UTC')::date, h.dbid, h.userid, h.queryid, h.toplevel, h.captured_at, h.captured_at,
                   h.calls, h.exec_time_ms, h.sum_sq_exec_time, h.plan_time_ms, h.rows, h.shared_blks_hit, h.shared_blks_read,
                   h.temp_blks_written, h.wal_bytes, h.counters_reset::integer,
                   h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time, h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit,
                   h.run_shared_blks_read, h.run_temp_blks_written, h.run_wal_bytes, h.run_resets
              FROM hist h
            ON CONFLICT (server_id, dbid, userid, queryid, toplevel, day) DO UPDATE
               SET first_at = least(y.first_at, excluded.first_at), last_at = greatest(y.last_at, excluded.last_at),
                   calls = y.calls + excluded.calls, exec_time_ms = y.exec_time_ms + excluded.exec_time_ms,
                   sum_sq_exec_time = y.sum_sq_exec_time + excluded.sum_sq_exec_time, plan_time_ms = y.plan_time_ms + excluded.plan_time_ms,
                   rows = y.rows + excluded.rows, shared_blks_hit = y.shared_blks_hit + excluded.shared_blks_hit,
                   shared_blks_read = y.shared_blks_read + excluded.shared_blks_read,
                   temp_blks_written = y.temp_blks_written + excluded.temp_blks_written, wal_bytes = y.wal_bytes + excluded.wal_bytes,
                   resets = y.resets + excluded.resets,
                   run_calls = excluded.run_calls, run_exec_time_ms = excluded.run_exec_time_ms,
                   run_sum_sq_exec_time = excluded.run_sum_sq_exec_time, run_plan_time_ms = excluded.run_plan_time_ms,
                   run_rows = excluded.run_rows, run_shared_blks_hit = excluded.run_shared_blks_hit,
                   run_shared_blks_read = excluded.run_shared_blks_read, run_temp_blks_written = excluded.run_temp_blks_written,
                   run_wal_bytes = excluded.run_wal_bytes, run_resets = excluded.run_resets
        ),
        running AS (
            INSERT INTO pgperf.statement_running AS y
                (server_id, dbid, userid, queryid, toplevel, last_at, run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms,
                 run_rows, run_shared_blks_hit, run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT $5, h.dbid, h.userid, h.queryid, h.toplevel, h.captured_at, h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time,
                   h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit, h.run_shared_blks_read, h.run_temp_blks_written,
                   h.run_wal_bytes, h.run_resets
              FROM hist h
            ON CONFLICT (server_id, dbid, userid, queryid, toplevel) DO UPDATE
               SET last_at = excluded.last_at, run_calls = excluded.run_calls, run_exec_time_ms = excluded.run_exec_time_ms,
                   run_sum_sq_exec_time = excluded.run_sum_sq_exec_time, run_plan_time_ms = excluded.run_plan_time_ms,
                   run_rows = excluded.run_rows, run_shared_blks_hit = excluded.run_shared_blks_hit,
                   run_shared_blks_read = excluded.run_shared_blks_read, run_temp_blks_written = excluded.run_temp_blks_written,
                   run_wal_bytes = excluded.run_wal_bytes, run_resets = excluded.run_resets
        ),
        upsert AS (
            INSERT INTO pgperf.statement_last AS l
                (server_id, dbid, userid, queryid, toplevel, captured_at, stats_since, calls, total_exec_time, sum_sq_exec_time,
                 total_plan_time, rows, shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
                 temp_blks_read, temp_blks_written, blk_read_time, blk_write_time, wal_records, wal_bytes, jit_time)
            SELECT $5, c.dbid, c.userid, c.queryid, c.toplevel, $1, c.stats_since, c.calls, c.total_exec_time, c.sum_sq_exec_time,
                   c.total_plan_time, c.rows, c.shared_blks_hit, c.shared_blks_read, c.shared_blks_dirtied, c.shared_blks_written,
                   c.temp_blks_read, c.temp_blks_written, c.blk_read_time, c.blk_write_time, c.wal_records, c.wal_bytes, c.jit_time
              FROM changed c
            ON CONFLICT (server_id, dbid, userid, queryid, toplevel) DO UPDATE
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
             WHERE l.server_id = $5 AND NOT EXISTS (SELECT 1 FROM cur c
                                WHERE c.dbid = l.dbid AND c.userid = l.userid AND c.queryid = l.queryid AND c.toplevel = l.toplevel)
        )
        -- (the data-modifying WITH clauses run whether read or not: each runs exactly once)
        SELECT (SELECT count(*) FROM cur)::integer, (SELECT count(*) FROM hist)::integer,
               -- texts are needed only for statements with history: the baseline reads none
               ARRAY(SELECT DISTINCT c.queryid FROM changed c
                      WHERE NOT $2 AND NOT EXISTS (SELECT 1 FROM pgperf.statement_texts t WHERE t.server_id = $5 AND t.queryid = c.queryid))
    $q$
    INTO n_entries, n_written, new_ids
    USING snap_at, baseline, global_reset, p_entries, p_server_id;
    PERFORM set_config('pgperf.statement_rollup_writer', coalesce(writer, ''), true);

    INSERT INTO pgperf.statement_snapshots
        (server_id, captured_at, prev_captured_at, server_version_num, stats_reset, dealloc, server_started_at, is_baseline,
         stats_were_reset, entries_evicted, server_restarted, entries, rows_written, texts_added)
    VALUES (p_server_id, snap_at, prev.captured_at, p_server_version_num, p_stats_reset, p_dealloc, p_server_started_at, baseline,
            global_reset, CASE WHEN NOT baseline THEN greatest(p_dealloc - prev.dealloc, 0) END,
            NOT baseline AND p_server_started_at IS DISTINCT FROM prev.server_started_at,
            n_entries, n_written, 0);
    RETURN QUERY SELECT snap_at, n_written, coalesce(new_ids, '{}'::bigint[]);
END
$$;

-- The texts read for a snapshot's missing queryids (p_texts from statement_text_read_sql); counted on the snapshot.
CREATE FUNCTION pgperf.ingest_statement_texts(p_server_id integer, p_captured_at timestamptz, p_texts jsonb)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    n_texts integer;
BEGIN
    INSERT INTO pgperf.statement_texts (server_id, queryid, query, first_seen_at)
    SELECT p_server_id, x.queryid, x.query, p_captured_at
      FROM jsonb_to_recordset(coalesce(p_texts, '[]'::jsonb)) AS x(queryid bigint, query text)
     WHERE x.queryid IS NOT NULL AND x.query IS NOT NULL
    ON CONFLICT (server_id, queryid) DO NOTHING;
    GET DIAGNOSTICS n_texts = ROW_COUNT;
    UPDATE pgperf.statement_snapshots SET texts_added = texts_added + n_texts
     WHERE server_id = p_server_id AND captured_at = p_captured_at;
    RETURN n_texts;
END
$$;

-- Spec-style entry point (psql, pg_cron, Invoke-PgStatementSnapshot without -Repository): this database's own
-- server, read here and ingested as server 0. Returns the number of history rows written (0 for the baseline).
CREATE OR REPLACE FUNCTION pgperf.capture_statement_snapshot()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    src      record;
    reading  record;
    ingested record;
    texts    jsonb;
BEGIN
    SELECT * INTO src FROM pgperf.statement_source();
    IF NOT src.available THEN
        RAISE EXCEPTION 'pgperf.statements: %', src.reason USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pgperf.lock_statement_snapshot(0);
    EXECUTE pgperf.statement_reading_sql(current_setting('server_version_num')::integer, src.extension_schema) INTO reading;
    SELECT * INTO ingested
      FROM pgperf.ingest_statement_snapshot(0, reading.server_version_num, reading.server_started_at, reading.stats_reset,
                                            reading.dealloc, reading.entries);
    IF cardinality(ingested.missing_texts) > 0 THEN
        EXECUTE pgperf.statement_text_read_sql(src.extension_schema) INTO texts USING ingested.missing_texts;
        PERFORM pgperf.ingest_statement_texts(0, ingested.captured_at, texts);
    END IF;
    RETURN ingested.rows_written;
END
$$;

-- The rollup of 019, recomputed per server.
CREATE OR REPLACE FUNCTION pgperf.rebuild_statement_rollup(p_queryids bigint[] DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    writer text := current_setting('pgperf.statement_rollup_writer', true);
BEGIN
    IF p_queryids IS NOT NULL AND cardinality(p_queryids) = 0 THEN
        RETURN;
    END IF;
    -- its own UPDATE below must not fire the triggers again
    PERFORM set_config('pgperf.statement_rollup_writer', 'on', true);

    UPDATE pgperf.statement_history h
       SET run_calls = s.run_calls, run_exec_time_ms = s.run_exec_time_ms, run_sum_sq_exec_time = s.run_sum_sq_exec_time,
           run_plan_time_ms = s.run_plan_time_ms, run_rows = s.run_rows, run_shared_blks_hit = s.run_shared_blks_hit,
           run_shared_blks_read = s.run_shared_blks_read, run_temp_blks_written = s.run_temp_blks_written,
           run_wal_bytes = s.run_wal_bytes, run_resets = s.run_resets
      FROM (SELECT x.server_id, x.queryid, x.dbid, x.userid, x.toplevel, x.captured_at,
                   sum(x.calls) OVER w AS run_calls, sum(x.exec_time_ms) OVER w AS run_exec_time_ms,
                   sum(x.sum_sq_exec_time) OVER w AS run_sum_sq_exec_time, sum(x.plan_time_ms) OVER w AS run_plan_time_ms,
                   sum(x.rows) OVER w AS run_rows, sum(x.shared_blks_hit) OVER w AS run_shared_blks_hit,
                   sum(x.shared_blks_read) OVER w AS run_shared_blks_read, sum(x.temp_blks_written) OVER w AS run_temp_blks_written,
                   sum(x.wal_bytes) OVER w AS run_wal_bytes, count(*) FILTER (WHERE x.counters_reset) OVER w AS run_resets
              FROM pgperf.statement_history x
             WHERE p_queryids IS NULL OR x.queryid = ANY (p_queryids)
            WINDOW w AS (PARTITION BY x.server_id, x.queryid, x.dbid, x.userid, x.toplevel ORDER BY x.captured_at)) s
     WHERE h.server_id = s.server_id AND h.queryid = s.queryid AND h.dbid = s.dbid AND h.userid = s.userid AND h.toplevel = s.toplevel
       AND h.captured_at = s.captured_at
       AND (h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time, h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit,
            h.run_shared_blks_read, h.run_temp_blks_written, h.run_wal_bytes, h.run_resets)
           IS DISTINCT FROM
           (s.run_calls, s.run_exec_time_ms, s.run_sum_sq_exec_time, s.run_plan_time_ms, s.run_rows::bigint, s.run_shared_blks_hit::bigint,
            s.run_shared_blks_read::bigint, s.run_temp_blks_written::bigint, s.run_wal_bytes::bigint, s.run_resets);

    DELETE FROM pgperf.statement_daily WHERE p_queryids IS NULL OR queryid = ANY (p_queryids);
    INSERT INTO pgperf.statement_daily
        (server_id, day, dbid, userid, queryid, toplevel, first_at, last_at, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
         shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, resets,
         run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
         run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
    SELECT h.server_id, (h.captured_at AT TIME ZONE 'UTC')::date, h.dbid, h.userid, h.queryid, h.toplevel, min(h.captured_at), max(h.captured_at),
           sum(h.calls), sum(h.exec_time_ms), sum(h.sum_sq_exec_time), sum(h.plan_time_ms), sum(h.rows), sum(h.shared_blks_hit),
           sum(h.shared_blks_read), sum(h.temp_blks_written), sum(h.wal_bytes), count(*) FILTER (WHERE h.counters_reset),
           -- totals never go down within an entry: the day's last interval holds the largest
           max(h.run_calls), max(h.run_exec_time_ms), max(h.run_sum_sq_exec_time), max(h.run_plan_time_ms), max(h.run_rows),
           max(h.run_shared_blks_hit), max(h.run_shared_blks_read), max(h.run_temp_blks_written), max(h.run_wal_bytes), max(h.run_resets)
      FROM pgperf.statement_history h
     WHERE p_queryids IS NULL OR h.queryid = ANY (p_queryids)
     GROUP BY 1, 2, 3, 4, 5, 6
     ORDER BY 2;  -- a day's rows together, as the captures write them

    DELETE FROM pgperf.statement_running WHERE p_queryids IS NULL OR queryid = ANY (p_queryids);
    INSERT INTO pgperf.statement_running
        (server_id, dbid, userid, queryid, toplevel, last_at, run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows,
         run_shared_blks_hit, run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
    SELECT DISTINCT ON (d.server_id, d.dbid, d.userid, d.queryid, d.toplevel)
           d.server_id, d.dbid, d.userid, d.queryid, d.toplevel, d.last_at, d.run_calls, d.run_exec_time_ms, d.run_sum_sq_exec_time,
           d.run_plan_time_ms, d.run_rows, d.run_shared_blks_hit, d.run_shared_blks_read, d.run_temp_blks_written,
           d.run_wal_bytes, d.run_resets
      FROM pgperf.statement_daily d
     WHERE p_queryids IS NULL OR d.queryid = ANY (p_queryids)
     ORDER BY d.server_id, d.dbid, d.userid, d.queryid, d.toplevel, d.day DESC;

    PERFORM set_config('pgperf.statement_rollup_writer', coalesce(writer, ''), true);
END
$$;
-- Retention drops a day of history whole, for every server: as in 019, with each server's rows kept apart.
CREATE OR REPLACE FUNCTION pgperf.drop_statement_history_partition(p_name text)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pgperf
AS $$
DECLARE
    part regclass;
    rows_held bigint;
    dropped_day date;
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
    dropped_day := to_date(substr(p_name, length('statement_history_p') + 1), 'YYYYMMDD');
    EXECUTE format('SELECT count(*) FROM %s', part) INTO rows_held;
    EXECUTE format('DROP TABLE %s', part);
    DELETE FROM pgperf.statement_daily WHERE day = dropped_day;
    DELETE FROM pgperf.statement_running r
     WHERE r.last_at < (dropped_day + 1)::timestamp AT TIME ZONE 'UTC'
       AND NOT EXISTS (SELECT 1 FROM pgperf.statement_daily d
                        WHERE d.server_id = r.server_id AND d.dbid = r.dbid AND d.userid = r.userid AND d.queryid = r.queryid
                          AND d.toplevel = r.toplevel);
    DELETE FROM pgperf.statement_texts t
     WHERE NOT EXISTS (SELECT 1 FROM pgperf.statement_last l WHERE l.server_id = t.server_id AND l.queryid = t.queryid)
       AND NOT EXISTS (SELECT 1 FROM pgperf.statement_history h WHERE h.server_id = t.server_id AND h.queryid = t.queryid);
    RETURN rows_held;
END
$$;

-- Removing a server deletes its statement statistics with it (the rollup rows go with their history).
CREATE OR REPLACE FUNCTION pgperf.remove_monitored_server(p_server_id integer)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_server_id = 0 THEN
        RAISE EXCEPTION 'pgperf.remove_monitored_server: server 0 is this database itself and cannot be removed'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pgperf.lock_statement_snapshot(p_server_id);
    -- the rollup rows are deleted here, so the history's triggers have nothing to recompute
    PERFORM set_config('pgperf.statement_rollup_writer', 'on', true);
    DELETE FROM pgperf.statement_history WHERE server_id = p_server_id;
    PERFORM set_config('pgperf.statement_rollup_writer', '', true);
    DELETE FROM pgperf.statement_daily WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_running WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_last WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_texts WHERE server_id = p_server_id;
    DELETE FROM pgperf.statement_snapshots WHERE server_id = p_server_id;
    DELETE FROM pgperf.monitored_servers WHERE server_id = p_server_id;
    RETURN FOUND;
END
$$;
REVOKE EXECUTE ON FUNCTION pgperf.remove_monitored_server(integer) FROM PUBLIC;
