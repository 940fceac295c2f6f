-- -Method Exact: pgstattuple's figures of relation @oid, in the order BloatMath reads them (100 % scanned).
-- The pgstattuple slot is the function in the extension's schema.
SELECT table_len, tuple_count::float8, tuple_len::float8, dead_tuple_count::float8, dead_tuple_len::float8,
       free_space::float8, 100::float8
  FROM {pgstattuple}(@oid::oid::regclass)
