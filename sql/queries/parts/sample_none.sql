-- No sample text (the rows are not grouped by query).
NULL::text
