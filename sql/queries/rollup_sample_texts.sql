-- A sample text for each hash of @hashes not seen before: one indexed lookup per new hash within [@from, @to).
INSERT INTO pgperf.query_log_texts (server_id, query_hash, query_text)
SELECT @server_id, h, s.query_text
  FROM unnest(@hashes::text[]) h
 CROSS JOIN LATERAL (SELECT query_text FROM pgperf.query_performance_logs l
                      WHERE l.server_id = @server_id AND l.logged_at >= @from AND l.logged_at < @to AND l.query_hash = h LIMIT 1) s
 WHERE NOT EXISTS (SELECT 1 FROM pgperf.query_log_texts t WHERE t.server_id = @server_id AND t.query_hash = h)
ON CONFLICT DO NOTHING
