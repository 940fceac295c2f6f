# Index usage and table bloat snapshots into a central repository (issue 17, migrations 026 and 027): two monitored
# databases with different index usage and dead rows, nothing of PgPerf installed in either, each read through a login
# that has only pg_monitor (its password in a pgpass file). Every figure stored for a server is compared with what
# that server's own statistics views and catalog say.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_irepo'
    $script:alpha = New-TestDatabase 'pgperf_irepo_a'
    $script:beta = New-TestDatabase 'pgperf_irepo_b'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null

    # The same table and index names on both, with different usage (so rows of one server read as the other's
    # cannot pass): alpha's orders_customer is scanned 7 times, beta's 3 times; beta's orders_colour never.
    Invoke-TestSql -Database $alpha.Name @'
CREATE TABLE orders (id int PRIMARY KEY, customer int);
INSERT INTO orders SELECT g, g % 100 FROM generate_series(1, 2000) g;
CREATE INDEX orders_customer ON orders (customer);
ANALYZE orders;
'@ | Out-Null
    Invoke-TestSql -Database $beta.Name @'
CREATE TABLE orders (id int PRIMARY KEY, customer int, colour text) WITH (autovacuum_enabled = false);
INSERT INTO orders SELECT g, g % 50, 'c' || (g % 7) FROM generate_series(1, 2000) g;
DELETE FROM orders WHERE id <= 500;
CREATE INDEX orders_customer ON orders (customer);
CREATE INDEX orders_colour ON orders (colour);
ANALYZE orders;
'@ | Out-Null
    function Invoke-IndexScans([string] $Database, [string] $Query, [int] $Times) {
        Invoke-TestSqlPublishingStats -Database $Database ("SET enable_seqscan = off; SET enable_bitmapscan = off; " + ((1..$Times | ForEach-Object { $Query }) -join '; '))
    }
    Invoke-IndexScans $alpha.Name 'SELECT count(*) FROM orders WHERE customer = 5' 7 | Out-Null
    Invoke-IndexScans $beta.Name 'SELECT count(*) FROM orders WHERE customer = 5' 3 | Out-Null

    $script:login = New-TestMonitorLogin 'pgperf_t_imon'
    $script:monitorRole = $login.Role
    $script:r = $repo.ConnectionString
    $script:alphaServer = Add-PgPerfServer -Repository $r -Name alpha -Connection (Get-TestMonitoredConnection $login $alpha.Name)
    $script:betaServer = Add-PgPerfServer -Repository $r -Name beta -Connection (Get-TestMonitoredConnection $login $beta.Name)

    # What a server's own statistics view says now, and what the repository's latest batch of it holds.
    function Get-OwnIndexScans([string] $Database) {
        @(Invoke-TestSql -Database $Database "SELECT schemaname || '.' || indexrelname || '=' || idx_scan FROM pg_stat_user_indexes ORDER BY 1")
    }
    function Get-StoredIndexScans([int] $ServerId) {
        @(Invoke-TestSql -Database $repo.Name @"
SELECT schemaname || '.' || indexname || '=' || idx_scan FROM pgperf.index_usage_snapshots
 WHERE server_id = $ServerId AND captured_at = (SELECT max(captured_at) FROM pgperf.index_usage_snapshots WHERE server_id = $ServerId)
 ORDER BY 1
"@)
    }
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:alpha
    Remove-TestDatabase $script:beta
    Remove-TestMonitorLogin $script:login
}

Describe 'Index usage snapshots into the repository' -Tag 'Integration', 'Repository', 'RepositorySnapshots' {
    It 'reads each registered server through its pg_monitor login and stores what its own pg_stat_user_indexes says, as that server' {
        Invoke-TestSql "SELECT rolsuper, pg_has_role('$monitorRole', 'pg_monitor', 'MEMBER') FROM pg_roles WHERE rolname = '$monitorRole'" | Should -Be 'f|t'
        $results = @(Invoke-PgIndexSnapshot -Repository $r -ThrottleLimit 2)
        $results.Count | Should -Be 2
        ($results.Server | Sort-Object) | Should -Be @('alpha', 'beta')
        ($results | Where-Object Server -eq 'alpha').Count | Should -Be 2   # orders_pkey, orders_customer
        ($results | Where-Object Server -eq 'beta').Count | Should -Be 3

        Get-StoredIndexScans $alphaServer.ServerId | Should -Be (Get-OwnIndexScans $alpha.Name)
        Get-StoredIndexScans $betaServer.ServerId | Should -Be (Get-OwnIndexScans $beta.Name)
        # the two usages differ, so a mix-up of servers could not pass the comparisons above
        Get-StoredIndexScans $alphaServer.ServerId | Should -Contain 'public.orders_customer=7'
        Get-StoredIndexScans $betaServer.ServerId | Should -Contain 'public.orders_customer=3'
        # nothing stored as the repository's own server, nothing of PgPerf in the monitored databases
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots WHERE server_id = 0' | Should -Be '0'
        foreach ($db in $alpha, $beta) {
            Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgperf'" | Should -Be '0'
        }
    }

    It 'stores the next snapshot''s steps per server: the scans in between, from that server''s previous batch' {
        Invoke-IndexScans $alpha.Name 'SELECT count(*) FROM orders WHERE customer = 6' 4 | Out-Null
        $one = @(Invoke-PgIndexSnapshot -Repository $r -Server 'al*')
        $one.Server | Should -Be 'alpha'
        Get-StoredIndexScans $alphaServer.ServerId | Should -Be (Get-OwnIndexScans $alpha.Name)
        Invoke-TestSql -Database $repo.Name @"
SELECT scans, cum_scans, continuous FROM pgperf.index_usage_snapshots
 WHERE server_id = $($alphaServer.ServerId) AND indexname = 'orders_customer' ORDER BY captured_at DESC LIMIT 1
"@ | Should -Be '4|11|t'
        # beta was not snapshotted again
        Invoke-TestSql -Database $repo.Name "SELECT count(DISTINCT captured_at) FROM pgperf.index_usage_snapshots WHERE server_id = $($betaServer.ServerId)" | Should -Be '1'
    }

    It 'judges each registered server''s indexes from the repository, every row naming its server' {
        $all = @(Get-PgUnusedIndex -Repository $r -Status Active, LowUsage, Unused, ConsiderDropping, InsufficientData -IncludeConstraintIndexes)
        ($all | ForEach-Object { "$($_.Server):$($_.Index)" } | Sort-Object) |
            Should -Be @('alpha:orders_customer', 'alpha:orders_pkey', 'beta:orders_colour', 'beta:orders_customer', 'beta:orders_pkey')
        $alphaRows = @(Get-PgUnusedIndex -Repository $r -Server 'a*' -Status Active, LowUsage, Unused, ConsiderDropping, InsufficientData)
        $alphaRows.Index | Should -Be @('orders_customer')
        $alphaRows[0].Server | Should -Be 'alpha'
        # 7 scans before monitoring began (the first reading counts them) and 4 in the step since
        $alphaRows[0].ScansInWindow | Should -Be 11
        $alphaRows[0].Status | Should -Be 'Active'
        $colour = Get-PgUnusedIndex -Repository $r -Server beta -IgnoreStatsAge | Where-Object Index -eq 'orders_colour'
        $colour.ScansInWindow | Should -Be 0
        (Get-PgUnusedIndex -Repository $r -Server beta -Status Active | Where-Object Index -eq 'orders_customer').ScansInWindow | Should -Be 3
        $colour.Status | Should -Be 'Unused'
    }

    It 'writes one non-terminating error naming a registered server that cannot be reached, and stores the others' {
        $port = Get-FreeTcpPort
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $port, 'app', 'nobody', '{""Timeout"": ""3""}')" | Out-Null
        try {
            $before = Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE server_id = $($betaServer.ServerId)"
            $results = @(Invoke-PgIndexSnapshot -Repository $r -ErrorVariable errs -ErrorAction SilentlyContinue)
            ($results.Server | Sort-Object) | Should -Be @('alpha', 'beta')
            $errs.Count | Should -Be 1
            $errs[0].Exception.Message | Should -Match "127\.0\.0\.1:$port"
            Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE server_id = $($betaServer.ServerId)" |
                Should -Be ([int]$before + 3)
        } finally {
            Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null
        }
    }

    It 'runs the index snapshot in the hourly job per registered server' {
        $results = @(Invoke-PgHourlyMonitoring -Repository $r -Server beta)
        $results.Server | Should -Be 'beta'
        $results[0].Steps.Name | Should -Be @('index snapshot', 'bloat snapshot', 'statement snapshot', 'health check', 'index bloat snapshot', 'query rollups', 'query performance', 'high bloat', 'statement regressions', 'health alerts', 'job failure alerts')
        $index = $results[0].Steps | Where-Object Name -eq 'index snapshot'
        $index.Status | Should -Be 'Succeeded'
        $index.Count | Should -Be 3
        Get-StoredIndexScans $betaServer.ServerId | Should -Be (Get-OwnIndexScans $beta.Name)
    }

    It 'shows what it would do with -WhatIf, and stores nothing' {
        $before = Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots'
        Invoke-PgIndexSnapshot -Repository $r -WhatIf | Should -BeNullOrEmpty
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots' | Should -Be $before
    }

}

Describe 'Table bloat snapshots into the repository' -Tag 'Integration', 'Repository', 'RepositorySnapshots' {
    BeforeAll {
        # What a server's own catalog and statistics say of its table orders: heap + TOAST bytes and dead rows.
        function Get-OwnOrders([string] $Database) {
            Invoke-TestSql -Database $Database "SELECT pg_relation_size(c.oid) + coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0), s.n_dead_tup FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = 'orders'"
        }
        function Get-StoredOrders([int] $ServerId) {
            Invoke-TestSql -Database $repo.Name "SELECT table_bytes, dead_tuples FROM pgperf.table_bloat_snapshots WHERE server_id = $ServerId AND tablename = 'orders' ORDER BY captured_at DESC LIMIT 1"
        }
        Wait-TestStatistics "(SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'orders') = 500" -Database $beta.Name
    }

    It 'runs the catalog estimate on each registered server and stores its figures as that server' {
        $results = @(Invoke-PgBloatSnapshot -Repository $r)
        ($results.Server | Sort-Object) | Should -Be @('alpha', 'beta')
        $results.Kind | Sort-Object -Unique | Should -Be 'TableBloat'
        Get-StoredOrders $alphaServer.ServerId | Should -Be (Get-OwnOrders $alpha.Name)
        Get-StoredOrders $betaServer.ServerId | Should -Be (Get-OwnOrders $beta.Name)
        (Get-StoredOrders $betaServer.ServerId) | Should -Match '\|500$'
        (Get-StoredOrders $alphaServer.ServerId) | Should -Match '\|0$'
        Invoke-TestSql -Database $repo.Name 'SELECT count(*) FROM pgperf.table_bloat_snapshots WHERE server_id = 0' | Should -Be '0'
    }

    It 'says a pg_monitor login cannot read the column statistics the estimate needs (NoStatsAccess, Low confidence)' {
        Invoke-TestSql -Database $repo.Name "SELECT confidence, 'NoStatsAccess' = ANY (flags) FROM pgperf.table_bloat_snapshots WHERE server_id = $($alphaServer.ServerId) AND tablename = 'orders' ORDER BY captured_at DESC LIMIT 1" |
            Should -Be 'Low|t'
    }

    It 'shows each server''s bloat history from the repository, every row naming its server' {
        $points = @(Get-PgTableBloatTrend -Repository $r -Table orders)
        # the hourly job above took one more snapshot of beta: every one of its points says 500
        ($points | ForEach-Object { "$($_.Server):$($_.DeadTuples)" } | Sort-Object -Unique) | Should -Be @('alpha:0', 'beta:500')
        @(Get-PgTableBloatTrend -Repository $r -Server 'b*' -Table orders).Server | Sort-Object -Unique | Should -Be 'beta'
    }
}

Describe 'Reports on registered servers' -Tag 'Integration', 'Repository', 'RepositorySnapshots' {
    It 'refuses -Server without -Repository, and -RaiseAlerts with -Repository, before reading anything' {
        $err = { Get-PgUnusedIndex -Connection $r -Server alpha } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.ServerWithoutRepository'
        $err = { Get-PgUnusedIndex -Repository $r -RaiseAlerts } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.NotWithRepository'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'unused_index'" | Should -Be '0'
    }

    It 'reports a registered server that is down from the history the repository holds (only the repository is reached)' {
        $deadPort = Get-FreeTcpPort
        $port = Get-TestConnectionPart 'Port'
        Invoke-TestSql -Database $repo.Name "UPDATE pgperf.monitored_servers SET port = $deadPort WHERE name = 'alpha'" | Out-Null
        try {
            $rows = @(Get-PgUnusedIndex -Repository $r -Status Active, LowUsage, Unused, ConsiderDropping, InsufficientData -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            @($rows | Where-Object Server -eq 'alpha').Index | Should -Be @('orders_customer')
            @($rows | Where-Object Server -eq 'beta').Index | Sort-Object | Should -Be @('orders_colour', 'orders_customer')
            $points = @(Get-PgTableBloatTrend -Repository $r -Table orders -ErrorVariable bloatErrs -ErrorAction SilentlyContinue)
            $bloatErrs | Should -HaveCount 0
            @($points.Server | Sort-Object -Unique) | Should -Be @('alpha', 'beta')
        } finally {
            Invoke-TestSql -Database $repo.Name "UPDATE pgperf.monitored_servers SET port = $port WHERE name = 'alpha'" | Out-Null
        }
    }
}

Describe 'Get-PgIndexTrend -Repository' -Tag 'Integration', 'Repository', 'RepositorySnapshots' {
    # Two more servers with a history of their own: three snapshots each, with index scans between them, and each
    # server's counters read with psql from its own pg_stat_user_indexes at every snapshot (the reference).
    BeforeAll {
        $script:gamma = New-TestDatabase 'pgperf_irepo_g'
        $script:delta = New-TestDatabase 'pgperf_irepo_d'
        foreach ($db in $gamma, $delta) {
            Invoke-TestSql -Database $db.Name @'
CREATE TABLE orders (id int PRIMARY KEY, customer int);
INSERT INTO orders SELECT g, g % 100 FROM generate_series(1, 3000) g;
CREATE INDEX orders_customer ON orders (customer);
ANALYZE orders;
'@ | Out-Null
        }
        Add-PgPerfServer -Repository $r -Name trend-gamma -Connection (Get-TestMonitoredConnection $login $gamma.Name) -WarningAction SilentlyContinue | Out-Null
        Add-PgPerfServer -Repository $r -Name trend-delta -Connection (Get-TestMonitoredConnection $login $delta.Name) -WarningAction SilentlyContinue | Out-Null
        function Get-OwnCounters([string] $Database) {
            $row = Invoke-TestSql -Database $Database @'
SELECT s.idx_scan || '|' || s.idx_tup_read || '|' || c.relpages::bigint * current_setting('block_size')::bigint
  FROM pg_stat_user_indexes s JOIN pg_class c ON c.oid = s.indexrelid WHERE s.indexrelname = 'orders_customer'
'@
            $scan, $read, $size = $row -split '\|'
            [pscustomobject]@{ Scans = [long]$scan; TuplesRead = [long]$read; SizeBytes = [long]$size }
        }
        $script:own = @{ 'trend-gamma' = @(); 'trend-delta' = @() }
        $scans = @{ 'trend-gamma' = 6, 3; 'trend-delta' = 2, 5 }
        $databases = @{ 'trend-gamma' = $gamma.Name; 'trend-delta' = $delta.Name }
        for ($i = 0; $i -lt 3; $i++) {
            if ($i -gt 0) {
                foreach ($name in $databases.Keys) {
                    Invoke-IndexScans $databases[$name] 'SELECT count(*) FROM orders WHERE customer = 5' $scans[$name][$i - 1] | Out-Null
                }
            }
            foreach ($name in $databases.Keys) { $script:own[$name] += Get-OwnCounters $databases[$name] }
            Invoke-PgIndexSnapshot -Repository $r -Server 'trend-*' | Out-Null
        }
    }
    AfterAll {
        Get-PgPerfServer -Repository $r -Name 'trend-*' | Remove-PgPerfServer -Confirm:$false
        Remove-TestDatabase $script:gamma
        Remove-TestDatabase $script:delta
    }

    It 'gives each registered server''s scans, tuples read and size from its own history, Server naming it' {
        $rows = @(Get-PgIndexTrend -Repository $r -Server 'trend-*' -Table orders -Index orders_customer -Days 2)
        @($rows.Server | Sort-Object -Unique) | Should -Be @('trend-delta', 'trend-gamma')
        foreach ($name in 'trend-gamma', 'trend-delta') {
            $mine = @($rows | Where-Object Server -eq $name)
            $first, $last = $own[$name][0], $own[$name][2]
            # The steps between the first and the last snapshot (the first reading has no step), on whatever day each ended.
            ($mine | Measure-Object Scans -Sum).Sum | Should -Be ($last.Scans - $first.Scans) -Because $name
            ($mine | Measure-Object TuplesRead -Sum).Sum | Should -Be ($last.TuplesRead - $first.TuplesRead) -Because $name
            ($mine | Measure-Object Snapshots -Sum).Sum | Should -Be 3 -Because $name
            ($mine | Sort-Object Day)[-1].SizeBytes | Should -Be $last.SizeBytes -Because $name
            ($mine | Measure-Object BlindGaps -Sum).Sum | Should -Be 0 -Because $name
        }
        # the two servers differ (9 and 7 scans), so a server read as the other cannot pass
        ($rows | Where-Object Server -eq 'trend-gamma' | Measure-Object Scans -Sum).Sum | Should -Be 9
        ($rows | Where-Object Server -eq 'trend-delta' | Measure-Object Scans -Sum).Sum | Should -Be 7
    }

    It 'reads rows of Get-PgUnusedIndex -Repository piped in from the same repository, each for its own server' {
        $unused = @(Get-PgUnusedIndex -Repository $r -Server 'trend-*' -Status Active, LowUsage, Unused, ConsiderDropping, InsufficientData)
        $unused | Should -HaveCount 2
        $rows = @($unused | Get-PgIndexTrend -Days 2 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 0
        foreach ($name in 'trend-gamma', 'trend-delta') {
            $mine = @($rows | Where-Object Server -eq $name)
            $mine.Index | Sort-Object -Unique | Should -Be 'orders_customer'
            ($mine | Measure-Object Scans -Sum).Sum | Should -Be ($own[$name][2].Scans - $own[$name][0].Scans) -Because $name
        }
    }

    It 'reads every registered server without -Server, and says which one lacks the table' {
        Invoke-TestSql -Database $alpha.Name 'ALTER TABLE orders RENAME TO orders_elsewhere' | Out-Null
        try {
            Invoke-PgIndexSnapshot -Repository $r -Server alpha | Out-Null
            $rows = @(Get-PgIndexTrend -Repository $r -Table orders -Index orders_customer -Days 2 -ErrorVariable errs -ErrorAction SilentlyContinue)
            @($rows.Server | Sort-Object -Unique) | Should -Be @('beta', 'trend-delta', 'trend-gamma')
            ($rows | Where-Object Server -eq 'trend-gamma' | Measure-Object Scans -Sum).Sum | Should -Be 9
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Match '^PgPerf\.Index\.TableNotFound'
            $errs[0].Exception.Message | Should -Match 'server alpha'
        } finally {
            Invoke-TestSql -Database $alpha.Name 'ALTER TABLE orders_elsewhere RENAME TO orders' | Out-Null
            Invoke-PgIndexSnapshot -Repository $r -Server alpha | Out-Null
        }
    }

    It 'still reads this database''s own history without -Repository' {
        $rows = @(Get-PgIndexTrend -Connection $r -Table monitored_servers -Schema pgperf -Days 1 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs | Should -HaveCount 0
        $rows | Should -HaveCount 0   # pgperf's own indexes are never snapshotted, and the table is found in the catalog
        $err = { Get-PgIndexTrend -Connection $r -Table orders -Server trend-gamma } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^PgPerf\.Repository\.ServerWithoutRepository'
    }
}

Describe 'Removing a registered server' -Tag 'Integration', 'Repository', 'RepositorySnapshots' {
    It 'deletes the server''s index and bloat history when it is removed, and keeps the other''s' {
        Remove-PgPerfServer -Repository $r -Name alpha -Confirm:$false
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.index_usage_snapshots WHERE server_id = $($alphaServer.ServerId)" | Should -Be '0'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) > 0 FROM pgperf.index_usage_snapshots WHERE server_id = $($betaServer.ServerId)" | Should -Be 't'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) FROM pgperf.table_bloat_snapshots WHERE server_id = $($alphaServer.ServerId)" | Should -Be '0'
        Invoke-TestSql -Database $repo.Name "SELECT count(*) > 0 FROM pgperf.table_bloat_snapshots WHERE server_id = $($betaServer.ServerId)" | Should -Be 't'
    }
}
