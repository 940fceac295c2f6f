@{
    Synopsis    = 'Registers monitored servers in a central PgPerf repository.'
    Description = @'
Add-PgPerfServer adds servers to the registry of a repository prepared with Install-PgPerfSchema -Repository. Before it registers one, it connects to it once to check that the login works and has the rights of pg_monitor (a member of pg_monitor, or of pg_read_all_stats, pg_read_all_settings and pg_stat_scan_tables): that is all a monitored server needs, and nothing is installed there. A login without them is refused with PgPerf.Repository.MonitorRoleMissing, which names the GRANT to run. When pg_stat_statements is not created in the monitored database, it warns (statement snapshots of that server fail until it is).

The repository never stores a password. A connection that carries one (Password= in the string, a postgresql://user:password@ URI, -Credential on Connect-PgServer) is refused with PgPerf.Repository.PasswordNotStored before anything is sent: put the password in a pgpass file the job's account can read (~/.pgpass, PGPASSFILE, or Passfile= in the connection, mode 0600). The registry table refuses a password too, whoever writes to it.

Each server is written to the pipeline as a PgMonitoredServer (ServerId, Name, Host, Port, Database, Username, Options, AddedAt). A name already in use is refused with PgPerf.Repository.NameTaken.
'@
    Parameters  = @{
        Repository = 'The repository database: a connection string, host[:port][/database], or the object Connect-PgServer returns. It must have been prepared with Install-PgPerfSchema -Repository (else PgPerf.Repository.NotPrepared).'
        Connection = 'The monitored servers, one or many: connection strings without a password, host[:port][/database], or Connect-PgServer objects. Strings come by value from the pipeline, and Import-Csv rows with a Connection (and Name) column bind by property name.'
        Name       = 'The name reports show as Server for this server (unique in the repository). Defaults to host:port/database. Only with a single -Connection.'
    }
    Examples    = @(
        @{
            Title   = 'Register two databases of one server under short names'
            Code    = @'
Install-PgPerfSchema -Connection 'Host=perfrepo;Database=pgperf' -Repository
Add-PgPerfServer -Repository 'Host=perfrepo;Database=pgperf' -Connection 'Host=db1;Database=shop;Username=perf_reader' -Name shop
Add-PgPerfServer -Repository 'Host=perfrepo;Database=pgperf' -Connection 'Host=db1;Database=billing;Username=perf_reader' -Name billing
'@
            Remarks = 'perf_reader needs only GRANT pg_monitor on db1; its password is in the pgpass file of the account that runs the jobs.'
        }
        @{
            Title   = 'Register a fleet from a CSV file'
            Code    = 'Import-Csv servers.csv | Add-PgPerfServer -Repository perfrepo/pgperf'
            Remarks = 'servers.csv has the columns Name and Connection. A server that cannot be reached or lacks pg_monitor writes one error; the others are registered.'
        }
    )
    Outputs     = @('PgPerf.PgMonitoredServer')
    Links       = @('Get-PgPerfServer', 'Remove-PgPerfServer', 'Install-PgPerfSchema')
}
