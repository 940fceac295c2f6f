-- Retention: deletes up to @n health check history rows older than @cutoff from one leaf (the leaf slot) (ctid is unique only
-- within one relation).
DELETE FROM {leaf} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {leaf} WHERE captured_at < @cutoff LIMIT @n))
