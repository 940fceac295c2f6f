-- query_stats.sql grouped by query: the hash and a sample text (the sample slot takes one of sample_*.sql).
query_hash, {sample} AS sample,
