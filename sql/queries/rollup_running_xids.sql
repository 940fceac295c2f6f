-- Transactions running now (as text: xid8 has no .NET type), which the rollup refresh waits for before reading rows.
SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x
