-- PgPerf schema, version 19: statement windows whose read cost does not grow with their length (issue 14).
--
-- Until 018 a window (Get-PgTopStatement, Compare-PgStatement, the link to the application's log) summed every
-- hourly row in it: 120,000 rows for a day of 5,000 statements, 840,000 for a week. Now each entry keeps running
-- totals, so a window is "running totals at its end minus running totals at its start", per entry:
--   statement_history.run_*  the entry's running totals through this interval (its own row included);
--   statement_daily          per entry and UTC day: the day's sums, its first and last interval, and the running
--                            totals at its last interval (the day's rollup; the running totals before the day's
--                            first interval are run_* minus the day's sums);
--   statement_running        per entry: the running totals at its latest interval, and when that was.
-- The running totals at a time T are those of the entry's last interval ending at or before T: the latest
-- interval itself when it ended by T (statement_running), else T's day in statement_daily (before that day's
-- first interval: run_* - sums; after its last: run_*), else the entry's interval in the last snapshot before T.
-- All three are read as sets (statement_totals_at); only an entry that fits none costs one index lookup. So a
-- window reads a few rows per entry that ran in it, whatever its length.
-- Limits: statement-level triggers fire for statements on statement_history itself, not for ones aimed at a
-- single partition (a partition changed or dropped by hand, not through drop_statement_history_partition, leaves
-- the rollup behind until SELECT pgperf.rebuild_statement_rollup()).
-- Running totals start at zero with an entry's first retained interval. Retention may drop an entry's oldest
-- days: every later total keeps its value, and since a window only ever subtracts two totals of one entry, the
-- dropped days never count (before the first retained interval the totals are run_* - sums of its first day).
-- History stays deltas (never negative; a reset interval is counted whole and marked), so totals never go down.
--
-- Who keeps them in step: capture_statement_snapshot (the only regular writer) computes them as it writes, in the
-- same statement. Anything else that changes statement_history (a repair by hand, a test, a bench loading
-- history) is caught by statement-level triggers that recompute the affected entries (rebuild_statement_rollup);
-- TRUNCATE empties the rollup; dropping a daily partition (retention) removes that day's rollup rows.

ALTER TABLE pgperf.statement_history
    ADD COLUMN run_calls             bigint,
    ADD COLUMN run_exec_time_ms      double precision,
    ADD COLUMN run_sum_sq_exec_time  double precision,
    ADD COLUMN run_plan_time_ms      double precision,
    ADD COLUMN run_rows              bigint,
    ADD COLUMN run_shared_blks_hit   bigint,
    ADD COLUMN run_shared_blks_read  bigint,
    ADD COLUMN run_temp_blks_written bigint,
    ADD COLUMN run_wal_bytes         bigint,
    -- how many of the entry's intervals so far were marked counters_reset
    ADD COLUMN run_resets            bigint;

CREATE TABLE pgperf.statement_daily (
    day                   date NOT NULL,
    dbid                  oid NOT NULL,
    userid                oid NOT NULL,
    queryid               bigint NOT NULL,
    toplevel              boolean NOT NULL,
    first_at              timestamptz NOT NULL,
    last_at               timestamptz NOT NULL,
    -- the day's sums
    calls                 bigint NOT NULL,
    exec_time_ms          double precision NOT NULL,
    sum_sq_exec_time      double precision NOT NULL,
    plan_time_ms          double precision NOT NULL,
    rows                  bigint NOT NULL,
    shared_blks_hit       bigint NOT NULL,
    shared_blks_read      bigint NOT NULL,
    temp_blks_written     bigint NOT NULL,
    wal_bytes             bigint NOT NULL,
    resets                bigint NOT NULL,
    -- the running totals at the day's last interval
    run_calls             bigint NOT NULL,
    run_exec_time_ms      double precision NOT NULL,
    run_sum_sq_exec_time  double precision NOT NULL,
    run_plan_time_ms      double precision NOT NULL,
    run_rows              bigint NOT NULL,
    run_shared_blks_hit   bigint NOT NULL,
    run_shared_blks_read  bigint NOT NULL,
    run_temp_blks_written bigint NOT NULL,
    run_wal_bytes         bigint NOT NULL,
    run_resets            bigint NOT NULL,
    PRIMARY KEY (dbid, userid, queryid, toplevel, day)
) WITH (fillfactor = 80);  -- today's rows are updated by every snapshot: room on the page keeps the updates HOT
CREATE INDEX statement_daily_day ON pgperf.statement_daily (day);
COMMENT ON TABLE pgperf.statement_daily IS
    'PgPerf: per pg_stat_statements entry and UTC day, the sums of its statement_history and its running totals at the day''s last interval';

CREATE TABLE pgperf.statement_running (
    dbid                  oid NOT NULL,
    userid                oid NOT NULL,
    queryid               bigint NOT NULL,
    toplevel              boolean NOT NULL,
    last_at               timestamptz NOT NULL,
    run_calls             bigint NOT NULL,
    run_exec_time_ms      double precision NOT NULL,
    run_sum_sq_exec_time  double precision NOT NULL,
    run_plan_time_ms      double precision NOT NULL,
    run_rows              bigint NOT NULL,
    run_shared_blks_hit   bigint NOT NULL,
    run_shared_blks_read  bigint NOT NULL,
    run_temp_blks_written bigint NOT NULL,
    run_wal_bytes         bigint NOT NULL,
    run_resets            bigint NOT NULL,
    PRIMARY KEY (dbid, userid, queryid, toplevel)
) WITH (fillfactor = 70);
COMMENT ON TABLE pgperf.statement_running IS
    'PgPerf: per pg_stat_statements entry with history, its running totals at its latest interval';

-- Recomputes the running totals, the daily rollup and statement_running from statement_history, for the entries
-- of the given queryids (NULL: every entry). The triggers call it after any change not made by the capture;
-- the migration calls it once for the history written before it.
CREATE FUNCTION pgperf.rebuild_statement_rollup(p_queryids bigint[] DEFAULT NULL)
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
      FROM (SELECT x.queryid, x.dbid, x.userid, x.toplevel, x.captured_at,
                   sum(x.calls) OVER w AS run_calls, sum(x.exec_time_ms) OVER w AS run_exec_time_ms,
                   sum(x.sum_sq_exec_time) OVER w AS run_sum_sq_exec_time, sum(x.plan_time_ms) OVER w AS run_plan_time_ms,
                   sum(x.rows) OVER w AS run_rows, sum(x.shared_blks_hit) OVER w AS run_shared_blks_hit,
                   sum(x.shared_blks_read) OVER w AS run_shared_blks_read, sum(x.temp_blks_written) OVER w AS run_temp_blks_written,
                   sum(x.wal_bytes) OVER w AS run_wal_bytes, count(*) FILTER (WHERE x.counters_reset) OVER w AS run_resets
              FROM pgperf.statement_history x
             WHERE p_queryids IS NULL OR x.queryid = ANY (p_queryids)
            WINDOW w AS (PARTITION BY x.queryid, x.dbid, x.userid, x.toplevel ORDER BY x.captured_at)) s
     WHERE h.queryid = s.queryid AND h.dbid = s.dbid AND h.userid = s.userid AND h.toplevel = s.toplevel
       AND h.captured_at = s.captured_at
       AND (h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time, h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit,
            h.run_shared_blks_read, h.run_temp_blks_written, h.run_wal_bytes, h.run_resets)
           IS DISTINCT FROM
           (s.run_calls, s.run_exec_time_ms, s.run_sum_sq_exec_time, s.run_plan_time_ms, s.run_rows::bigint, s.run_shared_blks_hit::bigint,
            s.run_shared_blks_read::bigint, s.run_temp_blks_written::bigint, s.run_wal_bytes::bigint, s.run_resets);

    DELETE FROM pgperf.statement_daily WHERE p_queryids IS NULL OR queryid = ANY (p_queryids);
    INSERT INTO pgperf.statement_daily
        (day, dbid, userid, queryid, toplevel, first_at, last_at, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
         shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, resets,
         run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
         run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
    SELECT (h.captured_at AT TIME ZONE 'UTC')::date, h.dbid, h.userid, h.queryid, h.toplevel, min(h.captured_at), max(h.captured_at),
           sum(h.calls), sum(h.exec_time_ms), sum(h.sum_sq_exec_time), sum(h.plan_time_ms), sum(h.rows), sum(h.shared_blks_hit),
           sum(h.shared_blks_read), sum(h.temp_blks_written), sum(h.wal_bytes), count(*) FILTER (WHERE h.counters_reset),
           -- totals never go down within an entry: the day's last interval holds the largest
           max(h.run_calls), max(h.run_exec_time_ms), max(h.run_sum_sq_exec_time), max(h.run_plan_time_ms), max(h.run_rows),
           max(h.run_shared_blks_hit), max(h.run_shared_blks_read), max(h.run_temp_blks_written), max(h.run_wal_bytes), max(h.run_resets)
      FROM pgperf.statement_history h
     WHERE p_queryids IS NULL OR h.queryid = ANY (p_queryids)
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1;  -- a day's rows together, as the captures write them

    DELETE FROM pgperf.statement_running WHERE p_queryids IS NULL OR queryid = ANY (p_queryids);
    INSERT INTO pgperf.statement_running
        (dbid, userid, queryid, toplevel, last_at, run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows,
         run_shared_blks_hit, run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
    SELECT DISTINCT ON (d.dbid, d.userid, d.queryid, d.toplevel)
           d.dbid, d.userid, d.queryid, d.toplevel, d.last_at, d.run_calls, d.run_exec_time_ms, d.run_sum_sq_exec_time,
           d.run_plan_time_ms, d.run_rows, d.run_shared_blks_hit, d.run_shared_blks_read, d.run_temp_blks_written,
           d.run_wal_bytes, d.run_resets
      FROM pgperf.statement_daily d
     WHERE p_queryids IS NULL OR d.queryid = ANY (p_queryids)
     ORDER BY d.dbid, d.userid, d.queryid, d.toplevel, d.day DESC;

    PERFORM set_config('pgperf.statement_rollup_writer', coalesce(writer, ''), true);
END
$$;

-- The triggers: any change to statement_history that the capture did not make recomputes the entries it touched.
CREATE FUNCTION pgperf.statement_history_changed()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF current_setting('pgperf.statement_rollup_writer', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE pgperf.statement_daily, pgperf.statement_running;
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pgperf.rebuild_statement_rollup(ARRAY(SELECT DISTINCT n.queryid FROM changed_new n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pgperf.rebuild_statement_rollup(ARRAY(SELECT DISTINCT o.queryid FROM changed_old o));
    ELSE
        PERFORM pgperf.rebuild_statement_rollup(ARRAY(SELECT n.queryid FROM changed_new n UNION SELECT o.queryid FROM changed_old o));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER statement_history_rollup_insert AFTER INSERT ON pgperf.statement_history
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION pgperf.statement_history_changed();
CREATE TRIGGER statement_history_rollup_delete AFTER DELETE ON pgperf.statement_history
    REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION pgperf.statement_history_changed();
CREATE TRIGGER statement_history_rollup_update AFTER UPDATE ON pgperf.statement_history
    REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION pgperf.statement_history_changed();
CREATE TRIGGER statement_history_rollup_truncate AFTER TRUNCATE ON pgperf.statement_history
    FOR EACH STATEMENT EXECUTE FUNCTION pgperf.statement_history_changed();

-- Backfill: the history written before this migration.
SELECT pgperf.rebuild_statement_rollup(NULL);

-- The intervals of one snapshot, read together: how a window's start finds the totals of every entry that ran
-- in the snapshot just before it without a lookup per entry.
CREATE INDEX statement_history_captured_at ON pgperf.statement_history (captured_at);

-- Per entry that has an interval ending after p_after: its running totals at p_at (those of its last interval
-- ending at or before p_at; before its first retained interval, the totals just before that one). Read in sets,
-- not a lookup per entry: statement_running (the latest interval ended by p_at), else p_at's day in
-- statement_daily (p_at before the day's first interval or after its last), else the intervals of the last
-- snapshot before p_at on that day. Only an entry that ran on p_at's day both before and after p_at but not in
-- that snapshot, or that did not run on p_at's day at all, costs one index lookup.
CREATE FUNCTION pgperf.statement_totals_at(p_at timestamptz, p_after timestamptz)
RETURNS TABLE (
    dbid oid, userid oid, queryid bigint, toplevel boolean, run_calls bigint, run_exec_time_ms double precision,
    run_sum_sq_exec_time double precision, run_plan_time_ms double precision, run_rows bigint, run_shared_blks_hit bigint,
    run_shared_blks_read bigint, run_temp_blks_written bigint, run_wal_bytes bigint, run_resets bigint)
LANGUAGE sql STABLE
AS $$
    WITH r AS MATERIALIZED (
        SELECT * FROM pgperf.statement_running WHERE last_at > p_after
    ), later AS MATERIALIZED (
        -- the entries whose latest interval ended after p_at (none when the window ends now)
        SELECT r.dbid, r.userid, r.queryid, r.toplevel FROM r WHERE r.last_at > p_at
    ), day_rows AS (
        SELECT y.*, y.first_at > p_at AS pre
          FROM pgperf.statement_daily y
         WHERE y.day = (p_at AT TIME ZONE 'UTC')::date AND EXISTS (SELECT 1 FROM later)
    ), snap_rows AS (
        -- the intervals of the last snapshot at or before p_at on p_at's day
        SELECT z.dbid, z.userid, z.queryid, z.toplevel, z.run_calls, z.run_exec_time_ms, z.run_sum_sq_exec_time, z.run_plan_time_ms, z.run_rows, z.run_shared_blks_hit,
               z.run_shared_blks_read, z.run_temp_blks_written, z.run_wal_bytes, z.run_resets
          FROM pgperf.statement_history z
         WHERE z.captured_at = (SELECT max(m.captured_at) FROM pgperf.statement_history m
                                 WHERE m.captured_at <= p_at AND m.captured_at >= ((p_at AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC'))
           AND EXISTS (SELECT 1 FROM later)
    ), chosen AS (
        -- where p_at falls for each entry: before its day's first interval (the totals before it), after its last
        -- (the totals at it), or in between (the snapshot's interval); NULL: look it up one by one below
        SELECT l.dbid, l.userid, l.queryid, l.toplevel, y.dbid IS NULL AS other_day,
               CASE WHEN y.pre THEN y.run_calls - y.calls WHEN y.last_at <= p_at THEN y.run_calls ELSE s.run_calls END AS run_calls,
               CASE WHEN y.pre THEN y.run_exec_time_ms - y.exec_time_ms WHEN y.last_at <= p_at THEN y.run_exec_time_ms ELSE s.run_exec_time_ms END AS run_exec_time_ms,
               CASE WHEN y.pre THEN y.run_sum_sq_exec_time - y.sum_sq_exec_time WHEN y.last_at <= p_at THEN y.run_sum_sq_exec_time ELSE s.run_sum_sq_exec_time END AS run_sum_sq_exec_time,
               CASE WHEN y.pre THEN y.run_plan_time_ms - y.plan_time_ms WHEN y.last_at <= p_at THEN y.run_plan_time_ms ELSE s.run_plan_time_ms END AS run_plan_time_ms,
               CASE WHEN y.pre THEN y.run_rows - y.rows WHEN y.last_at <= p_at THEN y.run_rows ELSE s.run_rows END AS run_rows,
               CASE WHEN y.pre THEN y.run_shared_blks_hit - y.shared_blks_hit WHEN y.last_at <= p_at THEN y.run_shared_blks_hit ELSE s.run_shared_blks_hit END AS run_shared_blks_hit,
               CASE WHEN y.pre THEN y.run_shared_blks_read - y.shared_blks_read WHEN y.last_at <= p_at THEN y.run_shared_blks_read ELSE s.run_shared_blks_read END AS run_shared_blks_read,
               CASE WHEN y.pre THEN y.run_temp_blks_written - y.temp_blks_written WHEN y.last_at <= p_at THEN y.run_temp_blks_written ELSE s.run_temp_blks_written END AS run_temp_blks_written,
               CASE WHEN y.pre THEN y.run_wal_bytes - y.wal_bytes WHEN y.last_at <= p_at THEN y.run_wal_bytes ELSE s.run_wal_bytes END AS run_wal_bytes,
               CASE WHEN y.pre THEN y.run_resets - y.resets WHEN y.last_at <= p_at THEN y.run_resets ELSE s.run_resets END AS run_resets
          FROM later l
          LEFT JOIN day_rows y ON y.dbid = l.dbid AND y.userid = l.userid AND y.queryid = l.queryid AND y.toplevel = l.toplevel
          LEFT JOIN snap_rows s ON s.dbid = l.dbid AND s.userid = l.userid AND s.queryid = l.queryid AND s.toplevel = l.toplevel
    )
    SELECT r.dbid, r.userid, r.queryid, r.toplevel, r.run_calls, r.run_exec_time_ms, r.run_sum_sq_exec_time, r.run_plan_time_ms,
           r.run_rows, r.run_shared_blks_hit, r.run_shared_blks_read, r.run_temp_blks_written, r.run_wal_bytes, r.run_resets
      FROM r
     WHERE r.last_at <= p_at
    UNION ALL
    SELECT c.dbid, c.userid, c.queryid, c.toplevel, c.run_calls, c.run_exec_time_ms, c.run_sum_sq_exec_time, c.run_plan_time_ms,
           c.run_rows, c.run_shared_blks_hit, c.run_shared_blks_read, c.run_temp_blks_written, c.run_wal_bytes, c.run_resets
      FROM chosen c
     WHERE c.run_calls IS NOT NULL
    UNION ALL
    -- did not run on p_at's day: the totals before its first interval after that day
    SELECT c.dbid, c.userid, c.queryid, c.toplevel, n.run_calls - n.calls, n.run_exec_time_ms - n.exec_time_ms,
           n.run_sum_sq_exec_time - n.sum_sq_exec_time, n.run_plan_time_ms - n.plan_time_ms, n.run_rows - n.rows,
           n.run_shared_blks_hit - n.shared_blks_hit, n.run_shared_blks_read - n.shared_blks_read,
           n.run_temp_blks_written - n.temp_blks_written, n.run_wal_bytes - n.wal_bytes, n.run_resets - n.resets
      FROM chosen c
     CROSS JOIN LATERAL (
            SELECT * FROM pgperf.statement_daily x
             WHERE x.dbid = c.dbid AND x.userid = c.userid AND x.queryid = c.queryid AND x.toplevel = c.toplevel
               AND x.day > (p_at AT TIME ZONE 'UTC')::date
             ORDER BY x.day
             LIMIT 1) n
     WHERE c.other_day
    UNION ALL
    -- ran on p_at's day before and after it, but not in the snapshot just before it: its last interval by p_at
    SELECT c.dbid, c.userid, c.queryid, c.toplevel, z.run_calls, z.run_exec_time_ms, z.run_sum_sq_exec_time, z.run_plan_time_ms,
           z.run_rows, z.run_shared_blks_hit, z.run_shared_blks_read, z.run_temp_blks_written, z.run_wal_bytes, z.run_resets
      FROM chosen c
     CROSS JOIN LATERAL (
            SELECT * FROM pgperf.statement_history z
             WHERE z.queryid = c.queryid AND z.dbid = c.dbid AND z.userid = c.userid AND z.toplevel = c.toplevel
               AND z.captured_at <= p_at AND z.captured_at >= ((p_at AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC')
             ORDER BY z.captured_at DESC
             LIMIT 1) z
     WHERE NOT c.other_day AND c.run_calls IS NULL
$$;

-- Same signature and meaning as in 014 (the intervals whose end falls in (p_since, p_until], summed per entry),
-- now the difference of the running totals at both ends. PL/pgSQL on purpose: callers join its result (a
-- comparison joins two windows) and must plan it as the few thousand rows it returns (ROWS), not with what the
-- planner would guess for the inlined query (one row, so nested loops over thousands).
CREATE OR REPLACE FUNCTION pgperf.statement_window(p_since timestamptz, p_until timestamptz)
RETURNS TABLE (
    dbid oid, userid oid, queryid bigint, toplevel boolean, calls bigint, exec_time_ms double precision,
    sum_sq_exec_time double precision, plan_time_ms double precision, rows bigint, shared_blks_hit bigint,
    shared_blks_read bigint, temp_blks_written bigint, wal_bytes bigint, counters_reset boolean)
LANGUAGE plpgsql STABLE ROWS 5000
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH e AS MATERIALIZED (
        SELECT * FROM pgperf.statement_totals_at(p_until, p_since)
    ), s AS MATERIALIZED (
        SELECT * FROM pgperf.statement_totals_at(p_since, p_since)
    )
    SELECT e.dbid, e.userid, e.queryid, e.toplevel, e.run_calls - s.run_calls, e.run_exec_time_ms - s.run_exec_time_ms,
           e.run_sum_sq_exec_time - s.run_sum_sq_exec_time, e.run_plan_time_ms - s.run_plan_time_ms, e.run_rows - s.run_rows,
           e.run_shared_blks_hit - s.run_shared_blks_hit, e.run_shared_blks_read - s.run_shared_blks_read,
           e.run_temp_blks_written - s.run_temp_blks_written, e.run_wal_bytes - s.run_wal_bytes, e.run_resets > s.run_resets
      FROM e
      JOIN s ON s.dbid = e.dbid AND s.userid = e.userid AND s.queryid = e.queryid AND s.toplevel = e.toplevel
     WHERE e.run_calls > s.run_calls;
END
$$;

-- The capture of 014, now also writing each new interval's running totals and keeping statement_daily and
-- statement_running in step, in the same statement. Everything else is as in 014.
CREATE OR REPLACE FUNCTION pgperf.capture_statement_snapshot()
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
    writer        text := current_setting('pgperf.statement_rollup_writer', true);
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

    -- this statement keeps the rollup in step itself: the triggers on statement_history stand aside
    PERFORM set_config('pgperf.statement_rollup_writer', 'on', true);
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
                (captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                 shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written,
                 blk_read_time_ms, blk_write_time_ms, wal_records, wal_bytes, jit_time_ms, counters_reset,
                 run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                 run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT $1, d.dbid, d.userid, d.queryid, d.toplevel, d.calls, d.exec_time_ms, d.sum_sq_exec_time, d.plan_time_ms, d.rows,
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
                ON r.dbid = d.dbid AND r.userid = d.userid AND r.queryid = d.queryid AND r.toplevel = d.toplevel
            RETURNING captured_at, dbid, userid, queryid, toplevel, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                      shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, counters_reset,
                      run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                      run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets
        ),
        daily AS (
            -- this interval is the entry's latest: its totals become the day's
            INSERT INTO pgperf.statement_daily AS y
                (day, dbid, userid, queryid, toplevel, first_at, last_at, calls, exec_time_ms, sum_sq_exec_time, plan_time_ms, rows,
                 shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes, resets,
                 run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms, run_rows, run_shared_blks_hit,
                 run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT (h.captured_at AT TIME ZONE 'UTC')::date, h.dbid, h.userid, h.queryid, h.toplevel, h.captured_at, h.captured_at,
                   h.calls, h.exec_time_ms, h.sum_sq_exec_time, h.plan_time_ms, h.rows, h.shared_blks_hit, h.shared_blks_read,
                   h.temp_blks_written, h.wal_bytes, h.counters_reset::integer,
                   h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time, h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit,
                   h.run_shared_blks_read, h.run_temp_blks_written, h.run_wal_bytes, h.run_resets
              FROM hist h
            ON CONFLICT (dbid, userid, queryid, toplevel, day) DO UPDATE
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
                (dbid, userid, queryid, toplevel, last_at, run_calls, run_exec_time_ms, run_sum_sq_exec_time, run_plan_time_ms,
                 run_rows, run_shared_blks_hit, run_shared_blks_read, run_temp_blks_written, run_wal_bytes, run_resets)
            SELECT h.dbid, h.userid, h.queryid, h.toplevel, h.captured_at, h.run_calls, h.run_exec_time_ms, h.run_sum_sq_exec_time,
                   h.run_plan_time_ms, h.run_rows, h.run_shared_blks_hit, h.run_shared_blks_read, h.run_temp_blks_written,
                   h.run_wal_bytes, h.run_resets
              FROM hist h
            ON CONFLICT (dbid, userid, queryid, toplevel) DO UPDATE
               SET last_at = excluded.last_at, run_calls = excluded.run_calls, run_exec_time_ms = excluded.run_exec_time_ms,
                   run_sum_sq_exec_time = excluded.run_sum_sq_exec_time, run_plan_time_ms = excluded.run_plan_time_ms,
                   run_rows = excluded.run_rows, run_shared_blks_hit = excluded.run_shared_blks_hit,
                   run_shared_blks_read = excluded.run_shared_blks_read, run_temp_blks_written = excluded.run_temp_blks_written,
                   run_wal_bytes = excluded.run_wal_bytes, run_resets = excluded.run_resets
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
        -- (the data-modifying WITH clauses run whether read or not: each runs exactly once)
        SELECT (SELECT count(*) FROM cur)::integer, (SELECT count(*) FROM hist)::integer,
               -- texts are needed only for statements with history: the baseline reads none
               ARRAY(SELECT DISTINCT c.queryid FROM changed c
                      WHERE NOT $2 AND NOT EXISTS (SELECT 1 FROM pgperf.statement_texts t WHERE t.queryid = c.queryid))
    $q$, pgperf.statement_read_sql(v, src.extension_schema))
    INTO n_entries, n_written, new_ids
    USING snap_at, baseline, global_reset;
    PERFORM set_config('pgperf.statement_rollup_writer', coalesce(writer, ''), true);

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

-- Retention drops a day of history whole (no trigger fires): the day's rollup goes with it, and so does an
-- entry's running row once none of its days is left. Otherwise as in 014.
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
                        WHERE d.dbid = r.dbid AND d.userid = r.userid AND d.queryid = r.queryid AND d.toplevel = r.toplevel);
    DELETE FROM pgperf.statement_texts t
     WHERE NOT EXISTS (SELECT 1 FROM pgperf.statement_last l WHERE l.queryid = t.queryid)
       AND NOT EXISTS (SELECT 1 FROM pgperf.statement_history h WHERE h.queryid = t.queryid);
    RETURN rows_held;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON pgperf.statement_daily, pgperf.statement_running TO pgperf_monitor;
    END IF;
END
$$;
