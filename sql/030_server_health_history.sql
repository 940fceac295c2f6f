-- PgPerf schema, version 30 (issue 17): health check results and index bloat estimates stored per server.
--
-- Invoke-PgHealthCheck -Repository and the hourly job with -Repository read each registered server live (through its
-- pg_monitor login, nothing installed there) and store what they found here, as that server:
--   health_check_history    one row per check per run: its Status, worst value, thresholds and findings;
--   index_bloat_snapshots   the catalog estimate of every B-tree index of the server, one batch per run.
-- Both are range-partitioned by UTC day (retention drops whole days, leaving no dead rows behind; their partitions are
-- made by 033's functions, which also give them a default partition) and carry server_id
-- first in every key, so the repository can be distributed by server_id (docs/scale.md). Their rows go with their
-- server: server_id references the registry ON DELETE CASCADE, so remove_monitored_server() (whichever migration
-- defined it last) deletes them without naming these tables.

CREATE TABLE pgperf.health_check_history (
    server_id     integer NOT NULL REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE,
    captured_at   timestamptz NOT NULL,
    check_name    text NOT NULL,
    status        text NOT NULL CHECK (status IN ('Ok', 'Warning', 'Critical')),
    -- the worst value found, in unit; NULL when there was nothing to measure
    value         double precision,
    unit          text NOT NULL,
    -- the thresholds applied, as Invoke-PgHealthCheck shows them ("warning 30, critical 300")
    threshold     text NOT NULL,
    detail        text NOT NULL,
    target        text,
    finding_count integer NOT NULL CHECK (finding_count >= 0),
    -- every finding that was not Ok: [{target, value, status, detail, key}]
    findings      jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(findings) = 'array'),
    CONSTRAINT health_check_history_pkey PRIMARY KEY (server_id, captured_at, check_name)
) PARTITION BY RANGE (captured_at);
COMMENT ON TABLE pgperf.health_check_history IS
    'PgPerf: health check results per registered server and run; range-partitioned by UTC day (health_check_history_pYYYYMMDD)';

CREATE TABLE pgperf.index_bloat_snapshots (
    server_id      integer NOT NULL REFERENCES pgperf.monitored_servers (server_id) ON DELETE CASCADE,
    captured_at    timestamptz NOT NULL,
    schemaname     text NOT NULL,
    tablename      text NOT NULL,
    indexname      text NOT NULL,
    index_bytes    bigint NOT NULL,
    bloat_bytes    bigint NOT NULL,
    bloat_percent  double precision NOT NULL,
    expected_bytes bigint NOT NULL,
    status         text NOT NULL CHECK (status IN ('Ok', 'Warning', 'Critical')),
    method         text NOT NULL,
    confidence     text NOT NULL,
    flags          text[] NOT NULL DEFAULT '{}',
    entries        bigint,
    entry_bytes    double precision NOT NULL,
    fill_factor    integer NOT NULL,
    is_unique      boolean NOT NULL,
    CONSTRAINT index_bloat_snapshots_pkey PRIMARY KEY (server_id, captured_at, schemaname, indexname)
) PARTITION BY RANGE (captured_at);
COMMENT ON TABLE pgperf.index_bloat_snapshots IS
    'PgPerf: B-tree index bloat estimates per registered server and run; range-partitioned by UTC day (index_bloat_snapshots_pYYYYMMDD)';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, INSERT, DELETE ON pgperf.health_check_history, pgperf.index_bloat_snapshots TO pgperf_monitor;
    END IF;
END
$$;
