-- A sample query text of a group before PostgreSQL 16 (no any_value): the smallest.
min(query_text)
