-- Texts whose QueryHash the module has not computed yet (a snapshot taken from psql leaves it NULL).
SELECT queryid, query FROM pgperf.statement_texts WHERE query_hash IS NULL
