-- query_slow.sql's source below the slow threshold: the whole log (query_slow.sql applies get_slow_queries' conditions
-- and the server's id, which the spec's function, answering for this database only, does not take).
pgperf.query_performance_logs
