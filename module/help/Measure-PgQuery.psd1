@{
    OneServer   = 'one measurement is logged once, to one database'
    Synopsis    = 'Runs a script block, streams its output unchanged, and logs how long it took under a query name.'
    Description = @'
Measure-PgQuery is the monitoring spec's withQueryLogging middleware for PowerShell. It runs the script block dot-sourced in the caller's scope (variables it sets stay set, as with Measure-Command), passes every object it writes down the pipeline as it is written, times it, and logs the execution with Send-PgQueryLog's rules: LoggedAt is when the block started, DurationMs how long it ran.

When the script block throws, the execution is logged with IsError set and the original error is rethrown unchanged (same exception, same error id), so try/catch in the caller sees what it would have seen without Measure-PgQuery.

Logging never fails the caller: if the execution cannot be logged, a warning is written and the block's output and errors are unaffected. When the database cannot be reached, the record goes to the local spool and is replayed by the next successful send (see Send-PgQueryLog). An execution at or over -AlertThresholdMs opens or updates the slow_query alert of its query (see Send-PgQueryLog). A -Parameters value that cannot be turned into JSON stops the cmdlet with PgPerf.Query.InvalidParameters before the block runs.

Cost to the caller: the first call for a database in a session writes its record at once (so a wrong connection or a missing schema is reported right away); every later call puts its record in an in-process buffer and returns, adding microseconds to the block, not a round trip. A background writer sends the buffer with binary COPY every 10,000 records or 200 ms. Problems it meets (spooled records, failures) are written as a warning by the next Measure-PgQuery call. Full buffer (100,000 records): the call waits up to 250 ms for space (so a burst is paced to the database's speed); if the database is still not keeping up (slow or unreachable), the record is appended to the local spool on the caller's thread instead, never dropped. Queued records are written when the module is removed (Remove-Module) and when the process exits; a record still queued when the process is killed is lost, as with any in-memory buffer. Reports read their own writes: Get-PgSlowQuery, Get-PgQueryStat, Get-PgPerformanceSummary and Get-PgPerfAlert first wait (up to 5 s) until the records this process queued for their database are written, so Measure-PgQuery followed by a report in one script sees the record just measured; past 5 s the report goes on with a warning that it may miss them.
'@
    Parameters  = @{
        Name             = 'The query name to log, for example conversations.list, or the SQL text. Aliases: QueryName, QueryText.'
        ScriptBlock      = 'The work to time. It runs in the caller''s scope; its output is streamed unchanged.'
        Endpoint         = 'The API endpoint or caller, for example /api/conversations.'
        UserId           = 'The user on whose behalf the work ran.'
        Parameters       = 'The parameters of the work: a hashtable, a PSCustomObject or a JSON string. Stored as jsonb.'
        ParameterMode    = 'What to store of -Parameters: Keep, Redact (keys and value types only) or Drop.'
        AlertThresholdMs = 'An execution at or over this many milliseconds opens or updates the hourly slow_query alert. Default 500; 0 turns alerts off.'
        SpoolPath        = 'Folder for the spool used while the database cannot be reached. Default: $env:PGPERF_SPOOL_DIR, else PgPerf/spool under the user''s local application data folder.'
    }
    Examples    = @(
        @{
            Title   = 'Wrap a query, as withQueryLogging does'
            Code    = @'
$rows = Measure-PgQuery -Name 'conversations.list' -Endpoint '/api/conversations' -Parameters @{ status = 'pending_review' } {
    Invoke-Sqlcmd2 -Query "SELECT * FROM conversations WHERE status = 'pending_review'"
}
'@
            Remarks = '$rows holds exactly what the script block returned; the duration is logged under conversations.list.'
        }
        @{
            Title   = 'Failures are logged and rethrown'
            Code    = @'
try {
    Measure-PgQuery -Name 'reports.monthly' { Get-Content ./missing.csv -ErrorAction Stop }
} catch {
    "Failed as usual: $($_.FullyQualifiedErrorId)"
}
'@
            Remarks = 'The execution is logged with IsError set; the catch block receives the original error from Get-Content.'
        }
    )
    Outputs     = 'Whatever the script block writes, unchanged.'
    Links       = @('Send-PgQueryLog', 'Get-PgQueryStat')
}
