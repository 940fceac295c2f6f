# Get-PgIndexBloat against real indexes: fresh ones, ones bloated by deletes, and what a REINDEX really gives back.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Get-PgIndexBloat: parameters' -Tag 'Unit' {
    It 'rejects -Method Approx (pgstatindex has no approximate mode)' {
        { Get-PgIndexBloat -Connection 'Host=127.0.0.1;Port=1' -Method Approx } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PgPerf.Commands.GetPgIndexBloatCommand'
    }
    It 'binds Schema, Table and Index from the pipeline by property name' {
        $p = (Get-Command Get-PgIndexBloat).Parameters
        foreach ($name in 'Schema', 'Table', 'Index') { ($p[$name].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipelineByPropertyName | Should -Contain $true }
    }
}

Describe 'Get-PgIndexBloat' -Tag 'IndexBloat', 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase 'pgperf_ib'
        $script:cs = $db.ConnectionString
        Invoke-TestSql -Database $db.Name @'
CREATE EXTENSION pgstattuple;
CREATE TABLE ib_orders (id int PRIMARY KEY, customer bigint NOT NULL, code text NOT NULL) WITH (autovacuum_enabled = off);
INSERT INTO ib_orders SELECT g, g * 7 % 100003, md5(g::text) FROM generate_series(1, 60000) g;
CREATE INDEX ib_orders_customer ON ib_orders (customer);
CREATE INDEX ib_orders_code ON ib_orders (code);
CREATE TABLE ib_fresh (id int PRIMARY KEY) WITH (autovacuum_enabled = off);
INSERT INTO ib_fresh SELECT generate_series(1, 100000);
'@ | Out-Null
        Invoke-TestSql -Database $db.Name 'VACUUM ANALYZE ib_orders, ib_fresh' | Out-Null
        # The estimate's confidence reads the tables' dead rows and changes since ANALYZE.
        $script:settled = "SELECT bool_and(n_dead_tup = 0 AND n_mod_since_analyze = 0) FROM pg_stat_user_tables WHERE relname IN ('ib_orders', 'ib_fresh')"
        Wait-TestStatistics -Database $db.Name $settled
        function Get-Size([string] $Index) { [long](Invoke-TestSql -Database $db.Name "SELECT pg_relation_size('$Index')") }
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'estimates freshly built indexes as not bloated, with the size PostgreSQL built' {
        $rows = Get-PgIndexBloat -Connection $cs
        @($rows).Count | Should -Be 4
        foreach ($r in $rows) {
            $r | Should -BeOfType PgPerf.PgIndexBloat
            $r.Method | Should -Be 'Estimate'
            $r.IndexBytes | Should -Be (Get-Size $r.Index)
            $r.BloatPercent | Should -BeLessThan 10 -Because "$($r.Index) was just built (expected $($r.ExpectedBytes), real $($r.IndexBytes))"
            $r.Status | Should -Be 'Ok'
        }
        $fresh = $rows | Where-Object Index -eq 'ib_fresh_pkey'
        $fresh.Confidence | Should -Be 'High'
        $fresh.EntryBytes | Should -Be 20
        $fresh.Entries | Should -Be 100000
        $fresh.Table | Should -Be 'ib_fresh'
        $fresh.Schema | Should -Be 'public'
    }

    It 'finds the bloat scattered deletes leave, and Estimate and Exact are close to what REINDEX gives back' {
        Invoke-TestSql -Database $db.Name 'DELETE FROM ib_orders WHERE id % 4 <> 0' | Out-Null
        Invoke-TestSql -Database $db.Name 'VACUUM ANALYZE ib_orders' | Out-Null
        $estimate = Get-PgIndexBloat -Connection $cs -Table ib_orders
        $exact = Get-PgIndexBloat -Connection $cs -Table ib_orders -Method Exact
        @($exact).Count | Should -Be 3
        foreach ($name in 'ib_orders_pkey', 'ib_orders_customer', 'ib_orders_code') {
            $before = Get-Size $name
            Invoke-TestSql -Database $db.Name "REINDEX INDEX $name" | Out-Null
            $freed = $before - (Get-Size $name)
            $e = $estimate | Where-Object Index -eq $name
            $x = $exact | Where-Object Index -eq $name
            $x.Method | Should -Be 'Exact'
            $x.LeafDensity | Should -BeLessThan 40 -Because 'three entries in four were removed from every leaf page'
            # Within 10 % of the index's size of the space the REINDEX really gave back.
            [math]::Abs($e.BloatBytes - $freed) / $before | Should -BeLessThan 0.10 -Because "$name estimate $($e.BloatBytes), REINDEX freed $freed of $before"
            [math]::Abs($x.BloatBytes - $freed) / $before | Should -BeLessThan 0.10 -Because "$name exact $($x.BloatBytes), REINDEX freed $freed of $before"
            $e.Status | Should -Be 'Critical'
            $x.Status | Should -Be 'Critical'
        }
        # Rebuilt: nothing left to give back.
        (Get-PgIndexBloat -Connection $cs -Table ib_orders -Method Exact | Measure-Object BloatPercent -Maximum).Maximum | Should -BeLessThan 5
    }

    It 'flags entries VACUUM has not removed yet and statistics older than the deletes' {
        Invoke-TestSql -Database $db.Name 'DELETE FROM ib_fresh WHERE id % 2 = 0' | Out-Null
        try {
            Wait-TestStatistics -Database $db.Name "SELECT n_dead_tup >= 50000 AND n_mod_since_analyze >= 50000 FROM pg_stat_user_tables WHERE relname = 'ib_fresh'"
            $r = Get-PgIndexBloat -Connection $cs -Index ib_fresh_pkey
            $r.Flags | Should -Contain 'DeadEntries'
            $r.Flags | Should -Contain 'StaleStats'
            $r.Confidence | Should -Be 'Low'
        } finally {
            Invoke-TestSql -Database $db.Name 'VACUUM ANALYZE ib_fresh' | Out-Null
            Wait-TestStatistics -Database $db.Name $settled
        }
        $after = Get-PgIndexBloat -Connection $cs -Index ib_fresh_pkey
        $after.Flags | Should -Not -Contain 'DeadEntries'
        $after.BloatPercent | Should -BeGreaterThan 40 -Because 'every other entry is gone from every leaf page'
    }

    It 'filters by percentage, wasted MB and index name; a name that matches nothing is PgPerf.Bloat.IndexNotFound' {
        Invoke-TestSql -Database $db.Name 'DELETE FROM ib_orders WHERE id % 8 <> 0' | Out-Null
        Invoke-TestSql -Database $db.Name 'VACUUM ANALYZE ib_orders' | Out-Null
        $high = Get-PgIndexBloat -Connection $cs -MinBloatPercent 30
        $high.Index | Should -Contain 'ib_orders_pkey' -Because 'seven rows in eight are gone since its rebuild'
        $high | ForEach-Object { $_.BloatPercent | Should -BeGreaterOrEqual 30 }
        $rows = Get-PgIndexBloat -Connection $cs -Index 'ib_orders_*' -MinWastedMB 1000
        $rows | Should -BeNullOrEmpty
        $none = Get-PgIndexBloat -Connection $cs -Index no_such_index -ErrorVariable errs -ErrorAction SilentlyContinue
        $none | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.IndexNotFound,*'
        $errs[0].Exception.Message | Should -Match "no_such_index"
    }

    It 'keeps the estimate of a locked index (flag Locked) and of indexes past the time budget (flag TimeBudget)' {
        $app = 'ib-holder-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $psi = [System.Diagnostics.ProcessStartInfo]::new('psql')
        foreach ($a in '-X', '-q', '-h', (Get-TestConnectionPart 'Host'), '-p', (Get-TestConnectionPart 'Port'), '-U', (Get-TestConnectionPart 'Username'),
            '-d', $db.Name, '-c', 'BEGIN; LOCK TABLE ib_fresh IN ACCESS EXCLUSIVE MODE; REINDEX INDEX ib_fresh_pkey; SELECT pg_sleep(60); COMMIT;') { $psi.ArgumentList.Add($a) }
        $psi.Environment['PGPASSWORD'] = Get-TestConnectionPart 'Password'
        $psi.Environment['PGAPPNAME'] = $app
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $holder = [System.Diagnostics.Process]::Start($psi)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$app' AND wait_event = 'PgSleep'") -ne '1') {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the lock holder did not start' }
                Start-Sleep -Milliseconds 100
            }
            $rows = Get-PgIndexBloat -Connection $cs -Method Exact -LockTimeoutMs 200 -WarningVariable warned -WarningAction SilentlyContinue
        } finally {
            Invoke-TestSql -Database $db.Name "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$app'" | Out-Null
            if (-not $holder.HasExited) { $holder.Kill(); $holder.WaitForExit(5000) | Out-Null }
        }
        $locked = $rows | Where-Object Index -eq 'ib_fresh_pkey'
        $locked.Method | Should -Be 'Estimate'
        $locked.Flags | Should -Contain 'Locked'
        $locked.Flags | Should -Contain 'SizeFromCatalog'
        ($rows | Where-Object Index -ne 'ib_fresh_pkey').Method | Should -Be @('Exact', 'Exact', 'Exact')
        $warned -join ' ' | Should -Match 'public\.ib_fresh_pkey is locked'

        $budget = Get-PgIndexBloat -Connection $cs -Method Exact -TimeBudgetSeconds 0 -WarningVariable spent -WarningAction SilentlyContinue
        $budget.Method | Sort-Object -Unique | Should -Be 'Estimate'
        $budget | ForEach-Object { $_.Flags | Should -Contain 'TimeBudget' }
        $spent -join ' ' | Should -Match 'time budget of 0 s ran out: 4 of 4'
    }

    It 'runs as pgperf_monitor (pg_monitor): Exact measures; a text key it may not read the statistics of is NoStatsAccess' {
        Install-PgPerfSchema -Connection $cs | Out-Null
        $name = 'pgperf_t_ib_' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $password = New-TestPassword
        Invoke-TestSql "CREATE ROLE $name LOGIN PASSWORD '$password' IN ROLE pgperf_monitor" | Out-Null
        try {
            Invoke-TestSql "SELECT rolsuper FROM pg_roles WHERE rolname = '$name'" | Should -Be 'f'
            $monitor = $cs -replace 'Username=[^;]*', "Username=$name" -replace 'Password=[^;]*', "Password=$password"
            $estimate = Get-PgIndexBloat -Connection $monitor -Table ib_orders
            ($estimate | Where-Object Index -eq 'ib_orders_code').Flags | Should -Contain 'NoStatsAccess'
            ($estimate | Where-Object Index -eq 'ib_orders_code').Confidence | Should -Be 'Low'
            # Fixed-width keys need no statistics.
            ($estimate | Where-Object Index -eq 'ib_orders_pkey').Confidence | Should -Be 'High'
            $exact = Get-PgIndexBloat -Connection $monitor -Table ib_orders -Method Exact -ErrorAction Stop
            $exact.Method | Sort-Object -Unique | Should -Be 'Exact'
        } finally {
            Invoke-TestSql "DROP OWNED BY $name; DROP ROLE $name" -Database $db.Name | Out-Null
        }
    }

    It 'fails with PgPerf.Bloat.ExtensionMissing for -Method Exact without pgstattuple' {
        $other = New-TestDatabase 'pgperf_ib2'
        try {
            { Get-PgIndexBloat -Connection $other.ConnectionString -Method Exact -ErrorAction Stop } | Should -Throw -ErrorId 'PgPerf.Bloat.ExtensionMissing,*'
        } finally { Remove-TestDatabase $other }
    }

    It 'survives ConvertTo-Json and Export-Csv' {
        $r = Get-PgIndexBloat -Connection $cs -Index ib_fresh_pkey
        ($r | ConvertTo-Json -Depth 2 | ConvertFrom-Json).Index | Should -Be 'ib_fresh_pkey'
        ($r | Select-Object Index, BloatPercent, Status | ConvertTo-Csv | ConvertFrom-Csv).Status | Should -Be $r.Status
    }
}
