# Descriptions of parameters that many PgPerf cmdlets share.
@{
    Parameters = @{
        Connection = @'
The PostgreSQL targets, one or many: connection strings ('Host=db1;Port=5432;Database=app;Username=monitor'), postgresql:// URIs, host[:port][/database], or the objects Connect-PgServer returns, mixed freely (-Connection db1/app, $prod, 'Host=db3;Database=app'). Strings and Connect-PgServer objects also come by value from the pipeline ('db1/app', 'db2/app' | ...), and any object with a Connection property binds by property name: Import-Csv servers.csv rows with a Connection column, and PgPerf's own output rows, which carry the target they came from.

Each target is processed, and each output row has a Server property (host:port/database). With several targets, or targets from the pipeline, a target that cannot be reached or fails writes one non-terminating error and the others go on: the error keeps its id (PgPerf.Connection.Failed, ...), its message names the server, and its TargetObject is the target, so failed targets can be run again ($errors.TargetObject | ...). $? is then false, and a scheduled 'pwsh -Command' run that ends with 'if (-not $?) { exit 1 }' exits 1. With a single target on the command line a failure stays a terminating error, as scripts with try/catch expect. The same target given twice runs once.

When omitted, PgPerf uses the session default set by Connect-PgServer, then $env:PGPERF_CONNECTION, then the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGPASSFILE (pgpass files work).
'@
        ThrottleLimit = @'
How many targets run at the same time (default 8, at most 128). With -ThrottleLimit 1 the targets run one after another in the order given. Output order: the objects, warnings and errors of one target are written together when that target is done, so with several running at once the targets come in the order they finish (sort on Server for a fixed order); verbose text and -Confirm questions appear while the targets run, one question at a time. A progress bar of the targets shows when a call has more than 3. Ctrl+C stops every running target.
'@
        Credential = @'
User name and password for the connection. Overrides the user and password in -Connection. With -Repository it is the login to the repository; each registered server is still read through its own registered login (its password from pgpass), never with this credential. The password is never written to output objects, verbose or debug text, or error messages.
'@
        WhatIf   = 'Shows what would happen if the cmdlet runs (for SQL changes, the exact statements). Nothing is changed.'
        Confirm  = 'Asks for confirmation before each change.'
        PassThru = 'Writes the resulting object to the pipeline. By default this cmdlet writes nothing.'
    }
    # Cmdlets that work on one server per call set OneServer = '<why>' in their help; their -Connection and
    # -ThrottleLimit are described with these texts ({0} is the why).
    OneServer = @{
        Connection = @'
The PostgreSQL target: a connection string ('Host=db1;Port=5432;Database=app;Username=monitor'), a postgresql:// URI, host[:port][/database], or the object Connect-PgServer returns. This cmdlet works on one server per call: {0}. Several values in -Connection are refused with the error PgPerf.Connection.SingleTarget. Binds by property name from the pipeline. When omitted, PgPerf uses the session default set by Connect-PgServer, then $env:PGPERF_CONNECTION, then the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGPASSFILE (pgpass files work).
'@
        ThrottleLimit = 'Has no effect on this cmdlet, which works on one server per call.'
    }
    # Terms the help texts use. The help generator adds a note defining each term a cmdlet's help mentions.
    Terms = @{
        'monitoring spec' = @'
The monitoring spec is "Database Performance Monitoring Services", the specification PgPerf implements. It describes a query logger (logQuery, the withQueryLogging middleware), reports (getSlowQueries, getQueryStats, detectUnusedIndexes, getIndexTrends, getHighBloatTables), the GET /api/performance endpoint and its JSON, an hourly and a daily job, and the thresholds PgPerf uses by default: a query is slow at 500 ms; an average is Good under 100 ms and Critical over 500 ms; a table is bloated at 20 % (Monitor from 10 %, Critical over 50 %); an index is unused after 30 days without a scan. Names such as getSlowQueries(24, 500) are the monitoring spec's TypeScript calls; the cmdlet named in this help gives the same answer.
'@
    }
}
