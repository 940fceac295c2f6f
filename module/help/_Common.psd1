# Descriptions of parameters that many PgPerf cmdlets share.
@{
    Parameters = @{
        Connection = @'
The PostgreSQL target: a connection string ('Host=db1;Port=5432;Database=app;Username=monitor'), a postgresql:// URI, host[:port][/database], or the object Connect-PgServer returns. Binds by property name from the pipeline. When omitted, PgPerf uses the session default set by Connect-PgServer, then $env:PGPERF_CONNECTION, then the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGPASSFILE (pgpass files work).
'@
        Credential = @'
User name and password for the connection. Overrides the user and password in -Connection. The password is never written to output objects, verbose or debug text, or error messages.
'@
        WhatIf   = 'Shows what would happen if the cmdlet runs (for SQL changes, the exact statements). Nothing is changed.'
        Confirm  = 'Asks for confirmation before each change.'
        PassThru = 'Writes the resulting object to the pipeline. By default this cmdlet writes nothing.'
    }
    # Terms the help texts use. The help generator adds a note defining each term a cmdlet's help mentions.
    Terms = @{
        'monitoring spec' = @'
The monitoring spec is "Database Performance Monitoring Services", the specification PgPerf implements. It describes a query logger (logQuery, the withQueryLogging middleware), reports (getSlowQueries, getQueryStats, detectUnusedIndexes, getIndexTrends, getHighBloatTables), the GET /api/performance endpoint and its JSON, an hourly and a daily job, and the thresholds PgPerf uses by default: a query is slow at 500 ms; an average is Good under 100 ms and Critical over 500 ms; a table is bloated at 20 % (Monitor from 10 %, Critical over 50 %); an index is unused after 30 days without a scan. Names such as getSlowQueries(24, 500) are the monitoring spec's TypeScript calls; the cmdlet named in this help gives the same answer.
'@
    }
}
