-- query_stats.sql grouped by endpoint.
endpoint,
