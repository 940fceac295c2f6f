-- A sample query text of a group: any one (any_value, PostgreSQL 16 and later).
any_value(query_text)
