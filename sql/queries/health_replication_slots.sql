-- Replication slots and the WAL each keeps on this server (current position minus restart_lsn; the last
-- received position when this server is itself a standby). wal_status and safe_wal_size exist from
-- PostgreSQL 13. A slot that reserves nothing yet (restart_lsn NULL) keeps nothing.
WITH here AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT s.slot_name::text AS "SlotName",
       s.slot_type AS "SlotType",
       s.plugin::text AS "Plugin",
       s.database::text AS "Database",
       s.active AS "Active",
       s.active_pid AS "ActivePid",
       s.temporary AS "Temporary",
       s.restart_lsn::text AS "RestartLsn",
       s.confirmed_flush_lsn::text AS "ConfirmedFlushLsn",
       coalesce(greatest(pg_wal_lsn_diff(h.lsn, s.restart_lsn), 0), 0)::bigint AS "RetainedWalBytes",
       s.wal_status AS "WalStatus",
       s.safe_wal_size AS "SafeWalBytes"
FROM pg_replication_slots s
CROSS JOIN here h
ORDER BY s.slot_name
