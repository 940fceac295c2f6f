@{
    Synopsis    = 'Unregisters servers from a central PgPerf repository and deletes their history there.'
    Description = @'
Remove-PgPerfServer removes servers from the registry of a repository, and with them every row the repository holds for them (their statement statistics and other per-server history): the history of a server that is no longer registered could not be read by name any more. Nothing is changed on the monitored server itself. To keep the history, export it first (for example Get-PgTopStatement -Repository ... -Server name | Export-Csv).

It asks for confirmation (ConfirmImpact High); -WhatIf shows which servers would be removed. Names may have wildcards, and rows piped from Get-PgPerfServer bind Name and Repository. A name without wildcards that matches no server writes PgPerf.Repository.ServerNotFound. Server 0, the repository database itself, is never listed and cannot be removed.
'@
    Parameters  = @{
        Repository = 'The repository database: a connection string, host[:port][/database], or the object Connect-PgServer returns. Binds by property name from Get-PgPerfServer rows.'
        Name       = 'Registered names to remove; wildcards allowed. Binds by property name from Get-PgPerfServer rows.'
    }
    Examples    = @(
        @{
            Title   = 'Remove a decommissioned server, asking first'
            Code    = 'Remove-PgPerfServer -Repository perfrepo/pgperf -Name billing-old'
            Remarks = 'Asks for confirmation, then deletes the registry row and the history of billing-old in the repository.'
        }
        @{
            Title   = 'See what would go'
            Code    = "Get-PgPerfServer -Repository perfrepo/pgperf -Name 'test-*' | Remove-PgPerfServer -WhatIf"
            Remarks = 'Prints one "What if" line per matching server; nothing is removed.'
        }
    )
    Outputs     = 'None.'
    Links       = @('Get-PgPerfServer', 'Add-PgPerfServer')
}
