-- The DROP succeeded: the log row says when, and the index's unused-index alert (@type, @key) is resolved.
WITH done AS (UPDATE pgperf.index_drop_log SET status = 'dropped', dropped_at = clock_timestamp()
               WHERE id = @logId RETURNING dropped_at),
     closed AS (UPDATE pgperf.performance_alerts SET resolved_at = now(), resolved_by = 'Remove-PgIndex'
                 WHERE server_id = 0 AND alert_type = @type AND dedup_key = @key AND resolved_at IS NULL)
SELECT dropped_at FROM done
