-- The DROP failed: the log row says so, with the (scrubbed) error.
UPDATE pgperf.index_drop_log SET status = 'failed', error = @error WHERE id = @logId
