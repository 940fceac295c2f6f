-- Raises or clears table bloat alerts from the latest snapshot (migration 004).
SELECT pgperf.check_table_bloat_alerts(@threshold, @floor)
