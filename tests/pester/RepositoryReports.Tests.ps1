# The report cmdlets over the servers registered in a central repository (issue 17): Get-PgDuplicateIndex and
# Get-PgInvalidIndex read each registered database's catalog live through a login that has only pg_monitor (its
# password in a pgpass file); Get-PgTableBloat and Get-PgPerformanceSummary read what the repository stored for each.
# Two databases with different real duplicate and invalid indexes; every expected value is read with psql as the test
# superuser, never through the cmdlet under test.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:repo = New-TestDatabase 'pgperf_rrepo'
    $script:alpha = New-TestDatabase 'pgperf_rrepo_a'
    $script:beta = New-TestDatabase 'pgperf_rrepo_b'
    Install-PgPerfSchema -Connection $repo.ConnectionString -Repository | Out-Null

    $script:login = New-TestMonitorLogin 'pgperf_t_rmon'
    $script:monitorRole = $login.Role

    # alpha: a left-prefix duplicate; beta: two exact equals. Each an invalid index left by a failed concurrent unique build.
    Invoke-TestSql -Database $alpha.Name @"
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, created date);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_customer_created ON orders (customer_id, created);
CREATE TABLE coupons (code text);
INSERT INTO coupons VALUES ('A'), ('A');
"@ | Out-Null
    Invoke-TestSql -Database $beta.Name @"
CREATE TABLE items (sku text, price int);
CREATE INDEX items_sku_a ON items (sku);
CREATE INDEX items_sku_b ON items (sku);
CREATE TABLE badges (holder int);
INSERT INTO badges VALUES (1), (1);
"@ | Out-Null
    # outside a transaction block, as CREATE INDEX CONCURRENTLY must be; each fails on the duplicate rows
    Invoke-TestSql -Database $alpha.Name 'CREATE UNIQUE INDEX CONCURRENTLY coupons_code_uq ON coupons (code)' -AllowError | Out-Null
    Invoke-TestSql -Database $beta.Name 'CREATE UNIQUE INDEX CONCURRENTLY badges_holder_uq ON badges (holder)' -AllowError | Out-Null

    $script:r = $repo.ConnectionString
    Add-PgPerfServer -Repository $r -Name alpha -Connection (Get-TestMonitoredConnection $login $alpha.Name) | Out-Null
    Add-PgPerfServer -Repository $r -Name beta -Connection (Get-TestMonitoredConnection $login $beta.Name) | Out-Null

    # A registered server nobody listens for, to add where a test needs it.
    function Add-DownServer {
        $closed = Get-FreeTcpPort
        Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username, options) VALUES ('down', '127.0.0.1', $closed, 'app', 'nobody', '{""Timeout"": ""3""}') RETURNING server_id"
    }
    function Remove-DownServer { Invoke-TestSql -Database $repo.Name "DELETE FROM pgperf.monitored_servers WHERE name = 'down'" | Out-Null }
    # The invalid indexes of a database as its catalog says, schema.index
    function Get-CatalogInvalid([string] $Database) {
        @(Invoke-TestSql -Database $Database "SELECT n.nspname || '.' || c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid ORDER BY 1")
    }
}
AfterAll {
    Remove-TestDatabase $script:repo
    Remove-TestDatabase $script:alpha
    Remove-TestDatabase $script:beta
    Remove-TestMonitorLogin $script:login
}

Describe 'Index reports with -Repository' -Tag 'Integration', 'Repository', 'RepositoryReports' {
    It 'finds each registered database''s invalid index, read through its pg_monitor login, and nothing of the other' {
        # the failed builds left exactly these invalid indexes, as the catalog says
        Get-CatalogInvalid $alpha.Name | Should -Be 'public.coupons_code_uq'
        Get-CatalogInvalid $beta.Name | Should -Be 'public.badges_holder_uq'

        $rows = @(Get-PgInvalidIndex -Repository $r)
        ($rows | ForEach-Object { "$($_.Server):$($_.Schema).$($_.Index)" } | Sort-Object) |
            Should -Be @(@(Get-CatalogInvalid $alpha.Name | ForEach-Object { "alpha:$_" }) + @(Get-CatalogInvalid $beta.Name | ForEach-Object { "beta:$_" }))
        $coupons = $rows | Where-Object Server -eq 'alpha'
        $coupons.SizeBytes | Should -Be ([long](Invoke-TestSql -Database $alpha.Name "SELECT pg_relation_size('coupons_code_uq')"))
        $coupons.Connection.Username | Should -Be $monitorRole

        $only = @(Get-PgInvalidIndex -Repository $r -Server 'be*')
        ($only | ForEach-Object { "$($_.Server):$($_.Index)" }) | Should -Be 'beta:badges_holder_uq'
        # nothing installed on the monitored databases
        foreach ($db in $alpha, $beta) {
            Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgperf'" | Should -Be '0'
        }
    }

    It 'finds each registered database''s duplicate indexes, each row naming its server' {
        # the catalog's own view of the pairs: same table, and the redundant index's key columns lead the other's
        Invoke-TestSql -Database $alpha.Name "SELECT (SELECT indkey::text FROM pg_index WHERE indexrelid = 'orders_customer'::regclass) || '<' || (SELECT indkey::text FROM pg_index WHERE indexrelid = 'orders_customer_created'::regclass)" |
            Should -Be '2<2 3'
        Invoke-TestSql -Database $beta.Name "SELECT count(DISTINCT (indrelid, indkey::text, indclass::text)) || '/' || count(*) FROM pg_index WHERE indexrelid IN ('items_sku_a'::regclass, 'items_sku_b'::regclass)" |
            Should -Be '1/2'

        $rows = @(Get-PgDuplicateIndex -Repository $r -ThrottleLimit 2)
        ($rows | ForEach-Object { "$($_.Server):$($_.Kind):$($_.Table)" } | Sort-Object) | Should -Be @('alpha:LeftPrefix:orders', 'beta:Exact:items')
        $alphaRow = $rows | Where-Object Server -eq 'alpha'
        "$($alphaRow.Index)<$($alphaRow.CoveredBy)" | Should -Be 'orders_customer<orders_customer_created'
        ($rows | Where-Object Server -eq 'beta').CoveredBy | Should -BeIn @('items_sku_a', 'items_sku_b')

        @(Get-PgDuplicateIndex -Repository $r -Server alpha).Server | Should -Be 'alpha'
        @(Get-PgDuplicateIndex -Repository $r -Server beta -Kind LeftPrefix).Count | Should -Be 0
    }

    It 'writes one error naming a registered server that is down, once, and reads the others' {
        Add-DownServer | Out-Null
        try {
            foreach ($command in 'Get-PgDuplicateIndex', 'Get-PgInvalidIndex') {
                $rows = @(& $command -Repository $r -ErrorVariable errs -ErrorAction SilentlyContinue)
                ($rows.Server | Sort-Object -Unique) | Should -Be @('alpha', 'beta')
                $errs.Count | Should -Be 1
                # named as registered, once
                ([regex]::Matches($errs[0].Exception.Message, "registered server 'down'")).Count | Should -Be 1

                $errs = $null
                & $command -Repository $r -Server down -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $errs.Count | Should -Be 1
                ([regex]::Matches($errs[0].Exception.Message, "registered server 'down'")).Count | Should -Be 1
            }
        } finally {
            Remove-DownServer
        }
    }
}

Describe 'Get-PgTableBloat with -Repository' -Tag 'Integration', 'Repository', 'RepositoryReports' {
    BeforeAll {
        $script:ids = @{}
        foreach ($s in Get-PgPerfServer -Repository $r) { $script:ids[$s.Name] = $s.ServerId }
        # The latest stored snapshot of a server as the repository holds it, schema.table=bloat_bytes=dead_tuples=confidence
        function Get-StoredLatest([int] $ServerId) {
            @(Invoke-TestSql -Database $repo.Name "SELECT schemaname || '.' || tablename || '=' || bloat_bytes || '=' || coalesce(dead_tuples, 0) || '=' || confidence FROM pgperf.table_bloat_snapshots WHERE server_id = $ServerId AND captured_at = (SELECT max(captured_at) FROM pgperf.table_bloat_snapshots WHERE server_id = $ServerId) ORDER BY 1")
        }
        function Format-Row($Row) { "$($Row.Schema).$($Row.Table)=$($Row.BloatBytes)=$($Row.DeadTuples)=$($Row.Confidence)" }
    }

    It 'reports each server''s latest stored snapshot, naming the server, and nothing of the other' {
        Invoke-PgBloatSnapshot -Repository $r | Out-Null
        # a second snapshot after a change on beta: only the latest one counts
        Invoke-TestSql -Database $beta.Name 'CREATE TABLE refunds (id int, amount int); INSERT INTO refunds SELECT g, g FROM generate_series(1, 2000) g; DELETE FROM refunds WHERE id > 100; ANALYZE refunds' | Out-Null
        Invoke-PgBloatSnapshot -Repository $r -Server beta | Out-Null

        $rows = @(Get-PgTableBloat -Repository $r)
        foreach ($name in 'alpha', 'beta') {
            $mine = @($rows | Where-Object Server -eq $name)
            ($mine | ForEach-Object { Format-Row $_ } | Sort-Object) | Should -Be (Get-StoredLatest $ids[$name])
        }
        # every table of each monitored database, as its own catalog lists them
        (@($rows | Where-Object Server -eq 'beta') | ForEach-Object { "$($_.Schema).$($_.Table)" } | Sort-Object) |
            Should -Be @(Invoke-TestSql -Database $beta.Name "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")
        $refunds = $rows | Where-Object { $_.Server -eq 'beta' -and $_.Table -eq 'refunds' }
        $refunds.TableBytes | Should -Be ([long](Invoke-TestSql -Database $beta.Name "SELECT pg_relation_size('refunds') + coalesce(pg_relation_size(reltoastrelid), 0) FROM pg_class WHERE oid = 'refunds'::regclass"))
        $refunds.MeasuredAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss') |
            Should -Be (Invoke-TestSql -Database $repo.Name "SELECT to_char(max(captured_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM pgperf.table_bloat_snapshots WHERE server_id = $($ids.beta)")
        @($rows | Where-Object { $_.Server -eq 'alpha' -and $_.Table -eq 'refunds' }) | Should -HaveCount 0

        $only = @(Get-PgTableBloat -Repository $r -Server 'al*' -Table orders)
        ($only | ForEach-Object { "$($_.Server):$($_.Table)" }) | Should -Be 'alpha:orders'
        # its rows pipe on as the registered server's: its trend is read in the same repository
        $trend = @($only | Get-PgTableBloatTrend -Days 1)
        ($trend | ForEach-Object { "$($_.Server):$($_.Table)" } | Sort-Object -Unique) | Should -Be 'alpha:orders'
    }

    It 'answers from the stored snapshot for a registered server that is down, and refuses to measure registered servers' {
        $downId = Add-DownServer
        try {
            Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, live_tuples, dead_tuples, method, confidence, flags, table_kind) VALUES ($downId, now() - interval '5 minutes', 'public', 'ledger', 81920, 40960, 50, 10, 90, 'Estimate', 'Low', '{NoStatsAccess}', 'Table')" | Out-Null
            $rows = @(Get-PgTableBloat -Repository $r -Server down, alpha -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            $ledger = $rows | Where-Object Server -eq 'down'
            "$($ledger.Table)=$($ledger.BloatBytes)=$($ledger.Status)=$($ledger.Flags -join ',')" | Should -Be 'ledger=40960=ActionRequired=NoStatsAccess'
        } finally {
            Remove-DownServer
        }
        { Get-PgTableBloat -Repository $r -Method Exact -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.NotWithRepository,PgPerf.Commands.GetPgTableBloatCommand'
        { Get-PgTableBloat -Connection $alpha.ConnectionString -Server alpha -ErrorAction Stop } |
            Should -Throw -ErrorId 'PgPerf.Repository.ServerWithoutRepository,PgPerf.Commands.GetPgTableBloatCommand'
    }
}

Describe 'Get-PgPerformanceSummary with -Repository' -Tag 'Integration', 'Repository', 'RepositoryReports' {
    BeforeAll {
        $script:ids = @{}
        foreach ($s in Get-PgPerfServer -Repository $r) { $script:ids[$s.Name] = $s.ServerId }
        # alpha: a table with dead rows; beta keeps refunds from above
        Invoke-TestSql -Database $alpha.Name 'CREATE TABLE events (id int, body text) WITH (autovacuum_enabled = off); INSERT INTO events SELECT g, repeat(''e'', 60) FROM generate_series(1, 5000) g; DELETE FROM events WHERE id % 2 = 0; ANALYZE events' | Out-Null
        Invoke-PgBloatSnapshot -Repository $r | Out-Null
        Invoke-PgIndexSnapshot -Repository $r | Out-Null
        # 35 days of stored history in which alpha's orders_customer_created was never scanned (as Summary.Tests.ps1 does for one database)
        $facts = Invoke-TestSql -Database $alpha.Name "SELECT pg_relation_size('orders_customer_created') || '|' || coalesce((SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()), 'null') || '|' || pg_postmaster_start_time()"
        $size, $reset, $started = $facts -split '\|'
        $reset = if ($reset -eq 'null') { 'NULL' } else { "'$reset'" }
        Invoke-TestSql -Database $repo.Name @"
SELECT pgperf.ensure_snapshot_partitions('index_usage_snapshots', ARRAY(SELECT (now() AT TIME ZONE 'UTC')::date - d FROM generate_series(1, 35) d));
INSERT INTO pgperf.index_usage_snapshots (server_id, captured_at, schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch,
                                          index_size_bytes, stats_reset, server_started_at)
SELECT $($ids.alpha), now() - make_interval(days => d), 'public', 'orders', 'orders_customer_created', 0, 0, 0, $size, $reset, '$started'
  FROM generate_series(1, 35) d;
"@ | Out-Null
        # alpha's application logs into the repository as alpha: three executions, two of them slow (500 ms and over)
        $script:alphaDurations = @(12.5, 640.0, 910.0)
        $at = [DateTimeOffset]::UtcNow.AddMinutes(-30)
        $alphaDurations | ForEach-Object { [pscustomobject]@{ QueryText = 'SELECT * FROM orders -- alpha'; DurationMs = $_; LoggedAt = $at } } |
            Send-PgQueryLog -Repository $r -Server alpha -AlertThresholdMs 0
        # The tables a summary lists for a server, from its latest stored snapshot, most wasted bytes first
        function Get-StoredBloated([int] $ServerId, [double] $Threshold) {
            @(Invoke-TestSql -Database $repo.Name "SELECT tablename FROM pgperf.table_bloat_snapshots WHERE server_id = $ServerId AND captured_at = (SELECT max(captured_at) FROM pgperf.table_bloat_snapshots WHERE server_id = $ServerId) AND table_kind <> 'PartitionedTable' AND bloat_ratio >= $Threshold AND bloat_bytes >= 1 ORDER BY bloat_bytes DESC, tablename")
        }
    }

    It 'builds one summary per registered server from what the repository stored for it' {
        Invoke-TestSql -Database $alpha.Name "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'orders_customer_created'" | Should -Be '0'
        (Get-StoredBloated $ids.alpha 0) | Should -Contain 'events'
        (Get-StoredBloated $ids.beta 0) | Should -Contain 'refunds'

        $summaries = @(Get-PgPerformanceSummary -Repository $r -Threshold 0 -MinWastedMB 0)
        ($summaries.Server | Sort-Object) | Should -Be @('alpha', 'beta')
        foreach ($name in 'alpha', 'beta') {
            $summary = $summaries | Where-Object Server -eq $name
            @($summary.TableBloat.Table) | Should -Be (Get-StoredBloated $ids[$name] 0)
            ($summary.TableBloat.Server | Sort-Object -Unique) | Should -Be $name
        }
        # the application's query log as sent for each server (Send-PgQueryLog -Repository -Server), and nothing of the other
        $alphaLog = $summaries | Where-Object Server -eq 'alpha'
        $alphaLog.QueryPerformance.TotalQueries | Should -Be $alphaDurations.Count
        $alphaLog.QueryPerformance.MaxDurationMs | Should -Be ($alphaDurations | Measure-Object -Maximum).Maximum
        @($alphaLog.SlowQueries.DurationMs) | Should -Be @($alphaDurations | Where-Object { $_ -ge 500 } | Sort-Object -Descending)
        @($alphaLog.SlowQueries.QueryText | Sort-Object -Unique) | Should -Be 'SELECT * FROM orders -- alpha'
        $betaLog = $summaries | Where-Object Server -eq 'beta'
        [long]$betaLog.QueryPerformance.TotalQueries | Should -Be 0   # no row, or a row of none
        @($betaLog.SlowQueries) | Should -HaveCount 0
        $alphaSummary = $summaries | Where-Object Server -eq 'alpha'
        @($alphaSummary.UnusedIndexes | Where-Object Index -eq 'orders_customer_created') | Should -HaveCount 1
        $alphaSummary.UnusedIndexes[0].SizeBytes | Should -Be ([long](Invoke-TestSql -Database $alpha.Name "SELECT pg_relation_size('orders_customer_created')"))
        @(($summaries | Where-Object Server -eq 'beta').UnusedIndexes) | Should -HaveCount 0

        $one = @(Get-PgPerformanceSummary -Repository $r -Server beta -Metric Bloat -Threshold 0 -MinWastedMB 0 -AsJson)
        $one | Should -HaveCount 1
        ((ConvertFrom-Json $one[0]).table_bloat.tablename) | Should -Be (Get-StoredBloated $ids.beta 0)
    }

    It 'summarizes a registered server that is down from its stored history, without an error' {
        $downId = Add-DownServer
        try {
            Invoke-TestSql -Database $repo.Name "INSERT INTO pgperf.table_bloat_snapshots (server_id, captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, live_tuples, dead_tuples, method, confidence, flags, table_kind) VALUES ($downId, now(), 'public', 'ledger', 819200, 409600, 50, 10, 90, 'Estimate', 'Low', '{}', 'Table')" | Out-Null
            $summaries = @(Get-PgPerformanceSummary -Repository $r -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            ($summaries.Server | Sort-Object) | Should -Be @('alpha', 'beta', 'down')
            ($summaries | Where-Object Server -eq 'down').TableBloat.Table | Should -Be 'ledger'
        } finally {
            Remove-DownServer
        }
    }
}

Describe 'Repository calls: -Since over a server that is down, and -Credential' -Tag 'Integration', 'Repository', 'RepositoryReports' {
    It 'reads -Since history of a registered server whose port is closed from the repository, without an error' {
        $downId = Add-DownServer
        try {
            Invoke-TestSql -Database $repo.Name @"
INSERT INTO pgperf.health_check_history (server_id, captured_at, check_name, status, unit, threshold, detail, finding_count)
VALUES ($downId, now() - interval '10 minutes', 'sequences', 'Warning', 'percent', '', 'stored before it went down', 0);
INSERT INTO pgperf.index_bloat_snapshots (server_id, captured_at, schemaname, tablename, indexname, index_bytes, bloat_bytes, bloat_percent,
        expected_bytes, status, method, confidence, entry_bytes, fill_factor, is_unique)
VALUES ($downId, now() - interval '10 minutes', 'public', 'ledger', 'ledger_pkey', 16384, 8192, 50, 8192, 'Warning', 'Estimate', 'Low', 16, 90, true);
"@ | Out-Null
            $since = (Get-Date).AddHours(-1)
            $checks = @(Invoke-PgHealthCheck -Repository $r -Check sequences -Since $since -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            ($checks | Where-Object Server -eq 'down').Status | Should -Be 'Warning'
            $bloat = @(Get-PgIndexBloat -Repository $r -Since $since -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            ($bloat | Where-Object Server -eq 'down').Index | Should -Be 'ledger_pkey'
            # read live, the same server is one error naming it
            @(Invoke-PgHealthCheck -Repository $r -Check sequences -WhatIf -ErrorVariable live -ErrorAction SilentlyContinue 6>$null) | Out-Null
            $live | Should -HaveCount 1
            $live[0].Exception.Message | Should -Match "registered server 'down'"
        } finally {
            Remove-DownServer
        }
    }

    It 'takes -Credential with -Repository as the repository''s login, and reads each server through its own' {
        $user = Get-TestConnectionPart 'Username'
        $password = Get-TestConnectionPart 'Password'
        $withoutPassword = "Host=$(Get-TestConnectionPart 'Host');Port=$(Get-TestConnectionPart 'Port');Database=$($repo.Name);Username=nobody_$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        # the repository refuses the connection string's own login
        { Get-PgInvalidIndex -Repository $withoutPassword -ErrorAction Stop } | Should -Throw
        $credential = [pscredential]::new($user, (ConvertTo-SecureString $password -AsPlainText -Force))
        $rows = @(Get-PgInvalidIndex -Repository $withoutPassword -Credential $credential)
        ($rows | ForEach-Object { "$($_.Server):$($_.Index)" } | Sort-Object) | Should -Be @('alpha:coupons_code_uq', 'beta:badges_holder_uq')
        ($rows.Connection.Username | Sort-Object -Unique) | Should -Be $monitorRole
        $summaries = @(Get-PgPerformanceSummary -Repository $withoutPassword -Credential $credential -Server alpha)
        $summaries.Server | Should -Be 'alpha'
    }
}
