BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Bloat cmdlets: parameters' -Tag 'Unit', 'Bloat' {
    It 'rejects -MinBloatPercent 150 before touching a server' {
        $err = { Get-PgTableBloat -Connection 'Host=127.0.0.1;Port=1' -MinBloatPercent 150 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*GetPgTableBloatCommand'
        $err.Exception.Message | Should -Match '100'
    }

    It 'rejects an unknown -Method' {
        $err = { Get-PgTableBloat -Method Guess -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'CannotConvertArgument*,*GetPgTableBloatCommand'
    }

    It 'declares VACUUM as a state change and binds Schema and Table from the pipeline' {
        $cmd = Get-Command Invoke-PgVacuum
        $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        $cmd.Parameters.Table.ParameterSets.Values[0].ValueFromPipelineByPropertyName | Should -BeTrue
        $cmd.Parameters.Schema.ParameterSets.Values[0].ValueFromPipelineByPropertyName | Should -BeTrue
    }
}

Describe 'Get-PgTableBloat, Invoke-PgBloatSnapshot and Invoke-PgVacuum' -Tag 'Integration', 'Bloat' {
    BeforeAll {
        $script:db = New-TestDatabase
        $cs = $script:db.ConnectionString
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name @'
CREATE TABLE orders (id int, customer text, total numeric(10,2)) WITH (autovacuum_enabled = off);
INSERT INTO orders SELECT i, 'customer ' || (i % 500), i * 1.5 FROM generate_series(1, 40000) i;
DELETE FROM orders WHERE id % 10 < 7;
CREATE TABLE "Order Lines" (id int, qty int) WITH (autovacuum_enabled = off);
INSERT INTO "Order Lines" SELECT i, 1 FROM generate_series(1, 5000) i;
'@ | Out-Null
        Invoke-TestSql -Database $db.Name 'ANALYZE orders; ANALYZE "Order Lines"' | Out-Null
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'estimates every table with Status, Method and Confidence' {
        $rows = Get-PgTableBloat -Connection $db.ConnectionString
        $orders = $rows | Where-Object Table -eq 'orders'
        $orders.Schema | Should -Be 'public'
        $orders.BloatPercent | Should -BeGreaterThan 60
        $orders.BloatPercent | Should -BeLessThan 80
        $orders.Status | Should -Be 'Critical'
        $orders.Method | Should -Be 'Estimate'
        $orders.Confidence | Should -Be 'High'
        ($rows | Where-Object Table -eq 'Order Lines').Status | Should -Be 'Healthy'
        # Worst first.
        $rows[0].BloatPercent | Should -BeGreaterOrEqual $rows[-1].BloatPercent
    }

    It 'filters by percentage, wasted MB, schema and table' {
        @(Get-PgTableBloat -Connection $db.ConnectionString -Schema public -MinBloatPercent 20).Table | Should -Be @('orders')
        @(Get-PgTableBloat -Connection $db.ConnectionString -MinBloatPercent 20 -MinWastedMB 100) | Should -BeNullOrEmpty
        @(Get-PgTableBloat -Connection $db.ConnectionString -Table 'Order*').Table | Should -Be @('Order Lines')
        @(Get-PgTableBloat -Connection $db.ConnectionString -Schema pgperf).Schema | Sort-Object -Unique | Should -Be @('pgperf')
    }

    It 'leaves PgPerf''s own tables out unless -IncludePgPerf or named exactly' {
        # Send-PgQueryLog fills pgperf's log (its default partition looked 100 % bloated to a new user).
        Send-PgQueryLog -Connection $db.ConnectionString -QueryText 'self.noise' -DurationMs 1
        @(Get-PgTableBloat -Connection $db.ConnectionString).Schema | Sort-Object -Unique | Should -Be @('public')
        @(Get-PgTableBloat -Connection $db.ConnectionString -Table 'query_performance*') | Should -BeNullOrEmpty
        $all = @(Get-PgTableBloat -Connection $db.ConnectionString -IncludePgPerf)
        $all.Table | Should -Contain 'query_performance_logs_default'
        $all.Table | Should -Contain 'orders'
        (Get-PgTableBloat -Connection $db.ConnectionString -Table query_performance_logs_default).Schema | Should -Be 'pgperf'
    }

    It 'writes PgPerf.Bloat.TableNotFound for a name that matches nothing and goes on' {
        $out = Get-PgTableBloat -Connection $db.ConnectionString -Table nosuch, orders -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Table | Should -Be @('orders')
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.TableNotFound,*'
    }

    It 'fails with PgPerf.Bloat.ExtensionMissing for -Method Exact without pgstattuple, then measures once it is installed' -Tag 'Version' {   # TOAST is measured with pgstattuple_approx from PostgreSQL 14, exactly before
        $err = { Get-PgTableBloat -Connection $db.ConnectionString -Table orders -Method Exact -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.ExtensionMissing,*'
        $err.Exception.Message | Should -Match 'CREATE EXTENSION pgstattuple'
        $err.Exception.Message | Should -Match 'pg_stat_scan_tables'

        Invoke-TestSql -Database $db.Name 'CREATE EXTENSION pgstattuple' | Out-Null
        $exact = Get-PgTableBloat -Connection $db.ConnectionString -Table orders -Method Exact
        $exact.Method | Should -Be 'Exact'
        $estimate = Get-PgTableBloat -Connection $db.ConnectionString -Table orders
        [math]::Abs($exact.BloatPercent - $estimate.BloatPercent) | Should -BeLessThan 3
        $approx = Get-PgTableBloat -Connection $db.ConnectionString -Table orders -Method Approx
        [math]::Abs($approx.BloatPercent - $exact.BloatPercent) | Should -BeLessThan 3
    }

    It 'survives ConvertTo-Json and Export-Csv' {
        $row = Get-PgTableBloat -Connection $db.ConnectionString -Table orders
        $json = $row | Select-Object Schema, Table, BloatPercent, BloatBytes, Status, Flags | ConvertTo-Json | ConvertFrom-Json
        $json.Table | Should -Be 'orders'
        $json.BloatBytes | Should -Be $row.BloatBytes
        @($row | ConvertTo-Csv)[1] | Should -Match '"orders"'   # the data line, after the header
    }

    It 'captures a snapshot and raises one high_bloat alert' -Tag 'Version' {   # TOAST is measured with pgstattuple_approx from PostgreSQL 14, exactly before
        $result = Invoke-PgBloatSnapshot -Connection $db.ConnectionString
        $result.Kind | Should -Be 'TableBloat'
        $result.Count | Should -BeGreaterThan 2
        $result.CapturedAt | Should -BeOfType [DateTimeOffset]
        Invoke-TestSql -Database $db.Name "SELECT method FROM pgperf.table_bloat_snapshots WHERE tablename = 'orders'" | Should -Be 'Approx'
        Invoke-TestSql -Database $db.Name "SELECT dedup_key FROM pgperf.performance_alerts WHERE resolved_at IS NULL" | Should -Be 'high_bloat:public.orders'
        # It says how the figure was obtained in words (it once read "Estimate estimate, High confidence").
        $message = Invoke-TestSql -Database $db.Name "SELECT message FROM pgperf.performance_alerts WHERE resolved_at IS NULL"
        $message | Should -Match '^Table public\.orders is [\d.]+% bloated \([^;]+ reclaimable of [^;]+; measured with pgstattuple_approx, (high|medium|low) confidence\); consider VACUUM FULL'
    }

    It 'pipes into Invoke-PgVacuum -Full -WhatIf, which prints the SQL and changes nothing' {
        $before = Invoke-TestSql -Database $db.Name "SELECT pg_relation_size('orders')"
        # What-if lines go to the host, so run the pipeline in a fresh process and read what it printed.
        $run = Invoke-FreshPwsh @"
Import-Module '$($script:ModulePath)'
Get-PgTableBloat -Connection '$($db.ConnectionString)' -Table orders | Invoke-PgVacuum -Full -WhatIf
"@
        $run.Output | Should -Match ([regex]::Escape('What if: Performing the operation "VACUUM (FULL) public.orders"'))
        $run.Output | Should -Match 'ACCESS EXCLUSIVE'
        Invoke-TestSql -Database $db.Name "SELECT pg_relation_size('orders')" | Should -Be $before
    }

    It 'runs VACUUM FULL outside a transaction and reports the space given back' {
        $result = Get-PgTableBloat -Connection $db.ConnectionString -Table orders | Invoke-PgVacuum -Full -Analyze -Confirm:$false -WarningAction SilentlyContinue
        $result.Sql | Should -Be 'VACUUM (FULL, ANALYZE) public.orders'
        $result.BytesAfter | Should -BeLessThan ($result.BytesBefore * 0.5)
        (Get-PgTableBloat -Connection $db.ConnectionString -Table orders).BloatPercent | Should -BeLessThan 5

        $quoted = Invoke-PgVacuum -Connection $db.ConnectionString -Table 'Order Lines'
        $quoted.Sql | Should -Be 'VACUUM public."Order Lines"'
    }

    It 'shows the bloat history: the snapshot before VACUUM FULL and the one after, as stored' {
        Invoke-PgBloatSnapshot -Connection $db.ConnectionString | Out-Null
        # An old snapshot row, outside the default 30 days.
        Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.table_bloat_snapshots (captured_at, schemaname, tablename, table_bytes, bloat_bytes, bloat_ratio, method, confidence) VALUES (now() - interval '40 days', 'public', 'orders', 8192, 4096, 50, 'Exact', 'High')" | Out-Null
        $stored = @(Invoke-TestSql -Database $db.Name "SELECT to_char(captured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '|' || bloat_ratio || '|' || bloat_bytes || '|' || method FROM pgperf.table_bloat_snapshots WHERE tablename = 'orders' AND captured_at > now() - interval '30 days' ORDER BY captured_at")
        $stored.Count | Should -Be 2 -Because 'one snapshot before the VACUUM FULL above and one after'

        $trend = @(Get-PgTableBloat -Connection $db.ConnectionString -Table orders | Get-PgTableBloatTrend -Connection $db.ConnectionString)
        $trend | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.CapturedAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss.ffffff'), $_.BloatPercent, $_.BloatBytes, $_.Method } | Should -Be $stored
        $trend[0].Status | Should -Be 'Critical'
        $trend[1].Status | Should -Be 'Healthy'
        $trend[0].Server | Should -Not -BeNullOrEmpty
        @(Get-PgTableBloatTrend -Connection $db.ConnectionString -Table orders -Days 60).Count | Should -Be 3
        @(Get-PgTableBloatTrend -Connection $db.ConnectionString -Table 'Order*').Table | Sort-Object -Unique | Should -Be @('Order Lines')
        @(Get-PgTableBloatTrend -Connection $db.ConnectionString -Schema nosuch) | Should -BeNullOrEmpty
    }

    It 'checks that the table exists under -WhatIf too' {
        Invoke-PgVacuum -Connection $db.ConnectionString -Table nosuch -Full -WhatIf -WarningAction SilentlyContinue -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.TableNotFound,*'
        $errs[0].Exception.Message | Should -Match 'public\.nosuch does not exist'
    }

    It 'writes PgPerf.Bloat.TableNotFound for a table to vacuum that does not exist' {
        Invoke-PgVacuum -Connection $db.ConnectionString -Table nosuch -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.TableNotFound,*'
    }
}
