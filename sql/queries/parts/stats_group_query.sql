-- query_stats.sql grouped by query, largest total time first.
GROUP BY query_hash ORDER BY sum_ms DESC, query_hash
