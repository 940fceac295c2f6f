-- Opens an alert or updates the open one with the same @key (pgperf.create_performance_alert); returns its id.
SELECT pgperf.create_performance_alert(@type, @severity, @subject, @message, @details::jsonb, @key)
