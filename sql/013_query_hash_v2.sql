-- PgPerf schema, version 13 (issue 13): QueryHash version 2. Placeholders are literals ($1 = 5), lists of cast
-- parameters and repeated VALUES rows fold, DO and CREATE FUNCTION bodies count, "a" is a. The hash is computed in C#
-- (src/PgPerf.Core/Query/QueryFingerprint.cs), so SQL cannot recompute it: this migration records that every stored
-- hash is of version 1, and Install-PgPerfSchema, right after applying it, recomputes them in place (QueryHashUpgrade:
-- the log in one transaction, whose triggers keep the slow copy in step and mark the hours whose rows change; then the
-- rollups of those hours are rebuilt) and sets version 2. Interrupted, it runs again at the next Install-PgPerfSchema.

CREATE TABLE pgperf.query_hash_version (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version      integer NOT NULL,
    rehashed_at  timestamptz
);
COMMENT ON TABLE pgperf.query_hash_version IS
    'Version of the QueryHash algorithm every stored query_hash was computed with; the module recomputes older ones';

INSERT INTO pgperf.query_hash_version (version) VALUES (1);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgperf_monitor') THEN
        GRANT SELECT, UPDATE ON pgperf.query_hash_version TO pgperf_monitor;
    END IF;
END
$$;
