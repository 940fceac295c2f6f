-- Standbys seen from this server: every walsender of a physical standby (pg_stat_replication), plus one row per
-- physical slot that no walsender uses (its standby is stopped or cut off; the slot keeps WAL for it).
-- Lag in bytes is measured from this server's current WAL position (the last received one when it is itself a
-- standby, cascading). replay_lag goes NULL a while after a standby has caught up on an idle primary; a standby
-- that has replayed everything has no lag, so that NULL is 0. Needs pg_monitor (pg_read_all_stats) for the LSNs.
WITH here AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
                ELSE pg_current_wal_lsn() END AS lsn
)
SELECT r.pid AS "Pid",
       coalesce(r.application_name, '') AS "ApplicationName",
       host(r.client_addr) AS "ClientAddress",
       coalesce(r.state, '') AS "State",
       r.sync_state AS "SyncState",
       r.sent_lsn::text AS "SentLsn", r.write_lsn::text AS "WriteLsn", r.flush_lsn::text AS "FlushLsn", r.replay_lsn::text AS "ReplayLsn",
       greatest(pg_wal_lsn_diff(h.lsn, r.replay_lsn), 0)::bigint AS "ReplayLagBytes",
       CASE WHEN r.replay_lag IS NOT NULL THEN extract(epoch FROM r.replay_lag)::float8
            WHEN r.replay_lsn >= h.lsn THEN 0::float8 END AS "ReplayLagSeconds",
       CASE WHEN r.write_lag IS NOT NULL THEN extract(epoch FROM r.write_lag)::float8
            WHEN r.write_lsn >= h.lsn THEN 0::float8 END AS "WriteLagSeconds",
       CASE WHEN r.flush_lag IS NOT NULL THEN extract(epoch FROM r.flush_lag)::float8
            WHEN r.flush_lsn >= h.lsn THEN 0::float8 END AS "FlushLagSeconds",
       s.slot_name::text AS "SlotName",
       r.backend_start AS "BackendStart"
FROM pg_stat_replication r
CROSS JOIN here h
LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
UNION ALL
SELECT 0, s.slot_name::text, NULL, 'disconnected', NULL,
       NULL, NULL, NULL, s.restart_lsn::text,
       greatest(pg_wal_lsn_diff(h.lsn, s.restart_lsn), 0)::bigint,
       NULL, NULL, NULL,
       s.slot_name::text, NULL
FROM pg_replication_slots s
CROSS JOIN here h
WHERE s.slot_type = 'physical' AND NOT s.active AND NOT s.temporary
ORDER BY 2
