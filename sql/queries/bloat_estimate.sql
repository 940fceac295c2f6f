-- The table bloat estimate: one definition, the function psql users call too (new versions come as migrations).
-- Its columns keep the spec's names; here they are named as PgTableBloat's properties, which Dapper fills directly.
-- Status, Method, MeasuredAt and the server come from the Engine (BloatService.Stamp).
SELECT oid          AS "TableOid",
       toast_oid    AS "ToastOid",
       schemaname   AS "Schema",
       tablename    AS "Table",
       kind         AS "Kind",
       fillfactor   AS "FillFactor",
       table_bytes  AS "TableBytes",
       bloat_bytes  AS "BloatBytes",
       bloat_ratio  AS "BloatPercent",
       live_tuples  AS "LiveTuples",
       dead_tuples  AS "DeadTuples",
       fixed_width  AS "FixedWidth",
       row_bytes    AS "EstimatedRowBytes",
       flags        AS "Flags",
       confidence   AS "Confidence"
FROM pgperf.table_bloat_estimate()
