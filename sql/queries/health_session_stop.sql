-- Stop-PgSession: cancel the session's query, or end the session. Both return false when the pid is no
-- server process (any more). Rights: the session's own role, or pg_signal_backend (not for superusers' sessions).
SELECT CASE WHEN @terminate::boolean THEN pg_terminate_backend(@pid) ELSE pg_cancel_backend(@pid) END
