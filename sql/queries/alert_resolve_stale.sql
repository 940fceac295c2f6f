-- Resolves the open alerts of @type whose keys are not in @keys (they no longer hold); returns how many.
SELECT pgperf.resolve_stale_alerts(@type, @keys)
