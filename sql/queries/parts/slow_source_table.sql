-- query_slow.sql's source at or over the slow threshold: the copies of slow rows (one index scan).
pgperf.query_log_slow
