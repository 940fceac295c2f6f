-- Stores the QueryHash the module computed for each text (@queryids and @hashes, same order).
UPDATE pgperf.statement_texts t
   SET query_hash = u.query_hash
  FROM unnest(@queryids::bigint[], @hashes::text[]) AS u(queryid, query_hash)
 WHERE t.queryid = u.queryid AND t.query_hash IS DISTINCT FROM u.query_hash
