-- How many of the transactions @x (xid8 as text) are still running.
SELECT count(*) FROM unnest(@x::text[]) x WHERE pg_xact_status(x::xid8) = 'in progress'
