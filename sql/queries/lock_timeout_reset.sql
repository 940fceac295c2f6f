-- Back to the server's lock_timeout after lock_timeout_session.sql.
RESET lock_timeout
