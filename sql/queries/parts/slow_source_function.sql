-- query_slow.sql's source below the slow threshold: the function over the whole log.
pgperf.get_slow_queries(@hours, @min_duration_ms)
