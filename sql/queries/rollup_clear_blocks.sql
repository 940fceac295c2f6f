-- Removes the blocks given by start @s and length in hours @h (pairwise) before they are copied in again.
DELETE FROM pgperf.query_log_blocks b
 USING unnest(@s::timestamptz[], @h::integer[]) u (start, hours)
 WHERE b.server_id = @server_id AND b.start = u.start AND b.hours = u.hours
