@{
    OneServer   = 'a record is logged once, to one database, in batches that keep their order. Records that carry their own Connection property still go each to its own database'
    Synopsis    = 'Logs query executions (text or logical name, duration, endpoint, user, parameters) to pgperf.query_performance_logs.'
    Description = @'
Send-PgQueryLog writes one row per execution to pgperf.query_performance_logs. It binds from the pipeline by property name, PascalCase or snake_case (query_text, duration_ms, user_id, logged_at, is_error), so Import-Csv timings.csv | Send-PgQueryLog and objects shaped like the monitoring spec's logQuery({...}) argument work as they are. Piped records come in whole through -InputObject and their fields are read by the same names (hashtables work too); this is several times cheaper per record than PowerShell's binding of each field. When one of the field parameters is given on the command line, piped records bind by property name instead.

Rows are written in batches with binary COPY: one round trip per -BatchSize records (1,000 by default) and one at the end of the pipeline. Each record gets a QueryHash: the hash of the normalized text (comments and whitespace folded, literals, IN/VALUES lists and casts of literals replaced by ?, keywords lower-cased, $1 parameters kept), so executions of one statement group together. A logical name such as conversations.list is hashed as it is.

Logging never breaks the caller. When the database cannot be reached (or the schema is missing), the records are appended to a local spool file (JSON lines, readable only by the current user) under $env:PGPERF_SPOOL_DIR, -SpoolPath, or the user's data folder (LocalApplicationData/PgPerf/spool), and a warning is written. The next successful send to the same database replays the spool first. Replay is exactly once: every record carries a client-generated RecordId and rows already stored are skipped, also after a crash between the COPY and the spool clean-up.

Bad records are non-terminating errors that name the record's position in the pipeline; the other records are written. Error ids: PgPerf.Query.InvalidDuration (negative, NaN or infinite), PgPerf.Query.InvalidField (a piped record without a duration, or with a duration, time or flag that cannot be read as one), PgPerf.Query.EmptyQueryText, PgPerf.Query.InvalidParameters (not JSON, or an object that cannot be turned into JSON). NUL characters, which PostgreSQL cannot store in text, are removed with a warning. Query texts longer than 65,536 characters are stored cut to that length with QueryTruncated set (the hash is of the full text); endpoint and user id are cut to 1,024 characters.

An execution at or over -AlertThresholdMs (500 ms) opens or updates the slow_query alert of its query hash in pgperf.performance_alerts (occurrences, first and last seen; the subject is the query text, shortened), in the same transaction as the rows. The alert stays open while the query keeps being slow; Invoke-PgHourlyMonitoring resolves it after an hour without a slow execution. With -Repository -Server the alert is that registered server's (Get-PgPerfAlert -Repository -Server), and Invoke-PgHourlyMonitoring -Repository resolves it.
'@
    Parameters  = @{
        InputObject      = 'A whole record from the pipeline: a PSCustomObject, an Import-Csv row, a hashtable or any object with the fields below as properties (or keys), by name or alias. An object''s Connection property sends that record to its own database (a hashtable''s Connection key does not).'
        QueryText        = 'The SQL text or a logical name such as conversations.list. Aliases: query_text, Name, QueryName, Query. Must not be empty.'
        DurationMs       = 'How long the execution took, in milliseconds: from 0 to 86,400,000 (24 hours). A larger, negative or non-numeric value is rejected with PgPerf.Query.InvalidDuration (in a pipeline only that record; the others are written); it is almost always a unit mistake (microseconds or nanoseconds given as milliseconds). Alias: duration_ms.'
        Endpoint         = 'The API endpoint or caller that ran the query, for example /api/conversations.'
        UserId           = 'The user on whose behalf the query ran. Alias: user_id.'
        Parameters       = 'The query''s parameters: a hashtable, a PSCustomObject or a JSON string. Stored as jsonb.'
        LoggedAt         = 'When the execution happened; defaults to now. Stored in UTC with microsecond precision. Alias: logged_at.'
        IsError          = 'Marks a failed execution. From CSV, true/false, yes/no and 1/0 are accepted. Alias: is_error.'
        ParameterMode    = 'What to store of -Parameters: Keep (as given), Redact (keys and value types only: strings become "***", numbers 0, booleans false) or Drop (nothing).'
        BatchSize        = 'Records per COPY round trip (1 to 100,000; default 1,000). The last partial batch is written at the end of the pipeline.'
        AlertThresholdMs = 'Executions at or over this many milliseconds open or update the hourly slow_query alert of their query hash. Default 500; 0 turns alerts off.'
        SpoolPath        = 'Folder for the spool used while the database cannot be reached. Default: $env:PGPERF_SPOOL_DIR, else the PgPerf/spool folder under the user''s local application data folder.'
        Repository       = 'A central repository prepared with Install-PgPerfSchema -Repository: the records are logged there as -Server''s (migration 036), not into -Connection (which is then not allowed). Alerts are not raised for a registered server.'
        Server           = 'With -Repository: the registered name (Add-PgPerfServer -Name) of the server the application runs against; one name, no wildcards. A name that is not registered is the error PgPerf.Repository.ServerNotFound, and nothing is written.'
        PassThru         = 'Writes a PgQueryLogEntry per record (with QueryHash, RecordId and Delivery: Written or Spooled) once its batch has been sent.'
    }
    Examples    = @(
        @{
            Title   = 'Log an application''s executions into a central repository, as its registered server'
            Code    = @'
Import-Csv ./shop-timings.csv | Send-PgQueryLog -Repository 'Host=perfrepo;Database=pgperf' -Server shop
Get-PgQueryStat -Repository 'Host=perfrepo;Database=pgperf' -Server shop -Hours 24
'@
            Remarks = 'The rows carry shop''s server id in the repository (nothing is installed in shop''s database); Get-PgQueryStat and Get-PgSlowQuery -Repository read them back per server. A spooled batch is replayed as shop again.'
        }
        @{
            Title   = 'Log one execution, as the monitoring spec''s logQuery does'
            Code    = @'
Send-PgQueryLog -QueryText 'conversations.list' -DurationMs 750 -Endpoint '/api/conversations' -UserId $userId -Parameters @{ status = 'pending_review' }
'@
            Remarks = 'Writes one row; because 750 ms is over the 500 ms alert threshold it also opens (or updates) the slow_query alert for this query hash and hour.'
        }
        @{
            Title   = 'Import timings from a CSV file'
            Code    = 'Import-Csv ./timings.csv | Send-PgQueryLog -ParameterMode Redact -Verbose'
            Remarks = 'The CSV columns query_text, duration_ms, endpoint, user_id, parameters, logged_at and is_error bind by name. Rows are sent 1,000 per COPY; parameter values are not stored, only their keys and types.'
        }
        @{
            Title   = 'See which records were spooled'
            Code    = "Get-Content ./batch.json | ConvertFrom-Json | Send-PgQueryLog -PassThru | Group-Object Delivery"
            Remarks = 'With -PassThru every record comes back with Delivery Written or Spooled; spooled ones are sent by the next successful call.'
        }
    )
    Outputs     = 'None by default; PgPerf.PgQueryLogEntry with -PassThru.'
    Links       = @('Measure-PgQuery', 'Get-PgSlowQuery', 'Get-PgQueryStat')
}
