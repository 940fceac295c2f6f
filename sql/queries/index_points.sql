-- Raw readings (history since @since plus the live one) of every index that exists now: the reference
-- path of the verdict (IndexUsageVerdict.Assess over every reading), kept for the tests.
SELECT schemaname AS "Schema", indexname AS "Index", captured_at AS "CapturedAt",
       idx_scan AS "Scans", idx_tup_read AS "TuplesRead", idx_tup_fetch AS "TuplesFetched",
       stats_reset AS "StatsReset", server_started_at AS "ServerStartedAt", last_idx_scan AS "LastScanAt"
  FROM pgperf.index_usage_points(@since)
 ORDER BY schemaname, indexname, captured_at
