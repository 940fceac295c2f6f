-- Opens an alert of server @server_id (0 = this database) or updates its open one with the same @key
-- (pgperf.create_server_alert); returns its id.
SELECT pgperf.create_server_alert(@server_id, @type, @severity, @subject, @message, @details::jsonb, @key)
