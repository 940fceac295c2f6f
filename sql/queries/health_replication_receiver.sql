-- This server as a standby: what it received from its primary and what it replayed. No row on a primary.
-- latest_end_lsn is the primary's end of WAL as of its last message, so it minus what was flushed here is the
-- receive lag. The replay lag in time is the age of the last replayed transaction, but only while there is WAL
-- left to replay (on an idle primary that age grows although nothing is behind). pg_stat_wal_receiver has no
-- row when no WAL receiver runs (the primary is down, or restore_command-only recovery): State is 'stopped'.
SELECT coalesce(w.status, 'stopped') AS "State",
       w.sender_host AS "SenderHost",
       w.sender_port AS "SenderPort",
       w.slot_name AS "SlotName",
       w.latest_end_lsn::text AS "PrimaryLsn",
       pg_last_wal_receive_lsn()::text AS "ReceivedLsn",
       pg_last_wal_replay_lsn()::text AS "ReplayLsn",
       greatest(pg_wal_lsn_diff(w.latest_end_lsn, w.flushed_lsn), 0)::bigint AS "ReceiveLagBytes",
       greatest(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint AS "ReplayLagBytes",
       CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0::float8
            ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS "ReplayLagSeconds",
       extract(epoch FROM clock_timestamp() - w.last_msg_receipt_time)::float8 AS "LastMessageAgeSeconds",
       pg_is_wal_replay_paused() AS "ReplayPaused",
       pg_last_xact_replay_timestamp() AS "LastReplayedAt"
FROM (SELECT 1) one
LEFT JOIN pg_stat_wal_receiver w ON true
WHERE pg_is_in_recovery()
