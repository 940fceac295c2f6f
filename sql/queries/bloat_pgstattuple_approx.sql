-- -Method Approx: pgstattuple_approx's figures of relation @oid, in the order BloatMath reads them.
-- The pgstattuple_approx slot is the function in the extension's schema.
SELECT table_len, approx_tuple_count::float8, approx_tuple_len::float8, dead_tuple_count::float8, dead_tuple_len::float8,
       approx_free_space::float8, scanned_percent::float8
  FROM {pgstattuple_approx}(@oid::oid::regclass)
