-- query_slow.sql's order and limit for -Top (without it the Engine sorts the rows).
ORDER BY s.duration_ms DESC, s.logged_at DESC, s.id DESC LIMIT @top
