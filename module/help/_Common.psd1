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
}
