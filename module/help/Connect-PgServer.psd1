@{
    Synopsis    = 'Connects to a PostgreSQL server and makes it the default target for PgPerf cmdlets in this session.'
    Description = @'
Connect-PgServer parses a connection string or host[:port][/database], opens one test connection (unless -NoTest) and stores the target as the default for every PgPerf cmdlet in the current runspace. Other runspaces keep their own default.

The stored object never exposes the password: it is held internally and is not part of output, ConvertTo-Json, Export-Csv or error text. Connection failures stop with error id PgPerf.Connection.Failed (naming host:port and the reason), PgPerf.Connection.AuthenticationFailed, or PgPerf.Connection.InvalidConnectionString (naming the part that is wrong).
'@
    Parameters  = @{
        ConnectionString = 'A full connection string (Host=...;Port=...;Database=...;Username=...) or a postgresql:// URI. Keywords PgPerf does not know itself are passed to Npgsql, which checks them.'
        Server           = 'A host name or address with an optional port and database: db1, db1:6432, db1:5432/app, [::1]:5432/app.'
        Database         = 'The database to connect to; overrides the database in -Server.'
        NoTest           = 'Stores the target without opening a test connection.'
    }
    Examples    = @(
        @{
            Title   = 'Connect with a credential'
            Code    = "Connect-PgServer -Server db1.example.com:5432 -Database app -Credential (Get-Credential monitor)"
            Remarks = 'Tests the connection and makes db1/app the default target for later PgPerf cmdlets in this session.'
        }
        @{
            Title   = 'Connect with a connection string and keep the object'
            Code    = @'
$db = Connect-PgServer -ConnectionString 'Host=127.0.0.1;Port=5433;Database=app;Username=monitor' -PassThru
Get-PgPerfSchema -Connection $db
'@
            Remarks = 'The password comes from the pgpass file or PGPASSWORD; the object can be passed to -Connection of any cmdlet.'
        }
    )
    Links       = @('Install-PgPerfSchema', 'Get-PgPerfSchema')
}
