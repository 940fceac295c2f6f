-- Deletes up to @n rows logged before @cutoff from one leaf (the leaf slot) of the query log (ctid is unique only within one
-- relation, so one leaf at a time).
DELETE FROM {leaf} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {leaf} WHERE logged_at < @cutoff LIMIT @n))
