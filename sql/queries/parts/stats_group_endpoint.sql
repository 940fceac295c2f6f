-- query_stats.sql grouped by endpoint, largest total time first.
GROUP BY endpoint ORDER BY sum_ms DESC, endpoint
