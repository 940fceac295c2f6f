-- Retention: deletes up to @n alerts resolved before @cutoff from one leaf (the leaf slot) (ctid is unique only within one
-- relation).
DELETE FROM {leaf} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {leaf} WHERE resolved_at IS NOT NULL AND resolved_at < @cutoff LIMIT @n))
