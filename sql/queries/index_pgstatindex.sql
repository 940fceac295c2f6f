-- pgstatindex's figures of B-tree index @oid; the pgstatindex slot is the function in the pgstattuple extension's schema.
SELECT index_size, leaf_pages, internal_pages, empty_pages, deleted_pages, avg_leaf_density
  FROM {pgstatindex}(@oid::oid::regclass)
