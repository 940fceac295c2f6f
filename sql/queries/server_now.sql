-- The server's clock: one time for every table of a retention run.
SELECT now()
