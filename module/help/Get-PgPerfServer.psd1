@{
    Synopsis    = 'Lists the servers registered in a central PgPerf repository.'
    Description = @'
Get-PgPerfServer reads the registry of a repository prepared with Install-PgPerfSchema -Repository and writes one PgMonitoredServer per registered server, by name: ServerId, Name, Host, Port, Database, Username, Options and AddedAt. No password is ever stored, so none is shown.

Each row carries its Repository (so it pipes into Remove-PgPerfServer) and, hidden, a Connection to the monitored server (so it pipes into any cmdlet that takes -Connection, for example Get-PgActivity). A -Name without wildcards that matches no server writes PgPerf.Repository.ServerNotFound.
'@
    Parameters  = @{
        Repository = 'The repository database: a connection string, host[:port][/database], or the object Connect-PgServer returns.'
        Name       = 'Registered names to list; wildcards allowed (shop*). All servers when omitted.'
    }
    Examples    = @(
        @{
            Title   = 'List the fleet'
            Code    = 'Get-PgPerfServer -Repository perfrepo/pgperf'
            Remarks = 'One row per registered server: id, name, host, port, database and user.'
        }
        @{
            Title   = 'See what the shop servers are doing right now'
            Code    = "Get-PgPerfServer -Repository perfrepo/pgperf -Name 'shop*' | Get-PgActivity -MinDurationSeconds 5"
            Remarks = 'The rows bind their Connection to Get-PgActivity, which runs on every matching server in parallel.'
        }
    )
    Outputs     = @('PgPerf.PgMonitoredServer')
    Links       = @('Add-PgPerfServer', 'Remove-PgPerfServer')
}
