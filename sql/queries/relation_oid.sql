-- The oid of the table or index named @name (a quoted, schema-qualified name), or NULL when there is none.
SELECT to_regclass(@name)::oid::bigint
