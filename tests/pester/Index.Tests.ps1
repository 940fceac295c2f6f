BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'Index health types' -Tag 'Unit' {
    It 'has a default table view for <_>' -ForEach 'PgSnapshotResult', 'PgUnusedIndex', 'PgIndexTrend', 'PgDuplicateIndex', 'PgInvalidIndex', 'PgIndexDropResult' {
        Get-FormatData -TypeName "PgPerf.$_" | Should -Not -BeNullOrEmpty
    }

    It 'refuses <Name> before touching a server' -ForEach @(
        @{ Name = '-MinDaysUnused -1'; Call = { Get-PgUnusedIndex -MinDaysUnused -1 -Connection 'localhost:1/none' } }
        @{ Name = '-Days 0'; Call = { Get-PgIndexTrend -Table t -Days 0 -Connection 'localhost:1/none' } }
        @{ Name = '-LockTimeoutSeconds 0'; Call = { Remove-PgIndex -Index i -LockTimeoutSeconds 0 -Connection 'localhost:1/none' -WhatIf } }
        @{ Name = '-Status Sometimes'; Call = { Get-PgUnusedIndex -Status Sometimes -Connection 'localhost:1/none' } }
    ) {
        $err = { & $Call } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,PgPerf.Commands.*'
    }
}

Describe 'Index health on a real database' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        $script:cs = $db.ConnectionString
        Install-PgPerfSchema -Connection $cs | Out-Null
        Invoke-TestSql -Database $db.Name @'
CREATE TABLE "Weird Table"(id int PRIMARY KEY, email text, a int, b int, note text);
INSERT INTO "Weird Table" SELECT g, 'u' || g || '@x', g % 20, g % 3, 'n' || g FROM generate_series(1, 3000) g;
CREATE UNIQUE INDEX wt_email_key ON "Weird Table"(email);
CREATE INDEX wt_email ON "Weird Table"(email);
CREATE INDEX "Weird ""Name""" ON "Weird Table"(note);
CREATE INDEX wt_a ON "Weird Table"(a);
CREATE INDEX wt_a_b ON "Weird Table"(a, b);
ANALYZE "Weird Table";
'@ | Out-Null
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'Invoke-PgIndexSnapshot writes one row per index and says so' {
        $r = Invoke-PgIndexSnapshot -Connection $cs
        $r | Should -BeOfType PgPerf.PgSnapshotResult
        $r.Kind | Should -Be 'Index'
        $r.Count | Should -Be 6
        $r.CapturedAt.Offset | Should -Be ([TimeSpan]::Zero)
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots' | Should -Be '6'
        Invoke-PgIndexSnapshot -Connection $cs -WhatIf | Should -BeNullOrEmpty
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.index_usage_snapshots' | Should -Be '6'
    }

    It 'Get-PgUnusedIndex says InsufficientData on a new server and judges with -IgnoreStatsAge' {
        $rows = @(Get-PgUnusedIndex -Connection $cs)
        $rows.Index | Sort-Object | Should -Be @('Weird "Name"', 'wt_a', 'wt_a_b', 'wt_email')
        $rows.Status | Sort-Object -Unique | Should -Be 'InsufficientData'
        $rows[0].ObservedDays | Should -BeLessThan 1

        $judged = @(Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -Table 'Weird*')
        $judged.Status | Sort-Object -Unique | Should -Be 'Unused'
        ($judged | Where-Object Index -eq 'Weird "Name"').Definition | Should -Be 'CREATE INDEX "Weird ""Name""" ON public."Weird Table" USING btree (note)'
        $withConstraints = @(Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -IncludeConstraintIndexes)
        $withConstraints.Index | Should -Contain 'Weird Table_pkey'
        $withConstraints.Index | Should -Contain 'wt_email_key'
        @(Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -MinSizeMB 100) | Should -HaveCount 0
        @(Get-PgUnusedIndex -Connection $cs -Status ConsiderDropping) | Should -HaveCount 0
    }

    It 'survives pg_stat_reset() between snapshots and reports the blind step' {
        Invoke-PgIndexSnapshot -Connection $cs | Out-Null
        $resetAt = Invoke-TestSql -Database $db.Name 'SELECT now(), pg_stat_reset()'
        # Before PostgreSQL 15 the reset goes through the statistics collector and shows a moment later.
        Wait-TestStatistics -Database $db.Name "SELECT stats_reset >= '$(($resetAt -split '\|')[0])' FROM pg_stat_database WHERE datname = current_database()"
        Invoke-PgIndexSnapshot -Connection $cs | Out-Null
        $row = Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge | Where-Object Index -eq 'wt_a'
        $row.BlindGaps | Should -Be 1
        $row.Status | Should -Be 'Unused'
        $trend = Get-PgIndexTrend -Connection $cs -Table 'Weird Table' -Index wt_a -Days 1
        $trend.BlindGaps | Should -Be 1
        $trend.Snapshots | Should -Be 3
    }

    It 'Get-PgIndexTrend shows scans per index per day' {
        Invoke-TestSqlPublishingStats -Database $db.Name "SET enable_seqscan = off; SET enable_bitmapscan = off; SELECT count(*) FROM `"Weird Table`" WHERE note = 'n5'" | Out-Null
        Invoke-PgIndexSnapshot -Connection $cs | Out-Null
        $trend = @(Get-PgIndexTrend -Connection $cs -Table 'Weird Table' -Days 2)
        ($trend | Where-Object Index -eq 'Weird "Name"' | Measure-Object Scans -Sum).Sum | Should -Be 1
        ($trend | Where-Object Index -eq 'wt_a' | Measure-Object Scans -Sum).Sum | Should -Be 0
        ($trend | Where-Object Index -eq 'Weird "Name"' | Sort-Object Day | Select-Object -Last 1).Day.Date | Should -Be ([datetime]::UtcNow.Date)
        (Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -Status Active).Index | Should -Be 'Weird "Name"'
    }

    It 'Get-PgIndexTrend reports a missing table by name without failing the pipeline' {
        $out = Get-PgIndexTrend -Connection $cs -Table "no such `"table`"" -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Index.TableNotFound,*'
        $errs[0].Exception.Message | Should -Match 'no such "table"'
    }

    It 'Get-PgDuplicateIndex proposes the plain index, never the unique one' {
        $dups = @(Get-PgDuplicateIndex -Connection $cs)
        ($dups | ForEach-Object { '{0}>{1}:{2}' -f $_.Index, $_.CoveredBy, $_.Kind } | Sort-Object) | Should -Be @('wt_a>wt_a_b:LeftPrefix', 'wt_email>wt_email_key:Exact')
        @(Get-PgDuplicateIndex -Connection $cs -Kind Exact).Index | Should -Be 'wt_email'
        $dups[0] | ConvertTo-Json -Depth 3 | Should -Not -Match ([regex]::Escape((Get-TestConnectionPart 'Password')))
    }

    It 'Get-PgUnusedIndex | Remove-PgIndex -WhatIf prints the SQL and changes nothing' {
        $module = $script:ModulePath
        $result = Invoke-FreshPwsh @"
Import-Module '$module'
Get-PgUnusedIndex -Connection '$cs' -IgnoreStatsAge -Status Active, Unused -Table 'Weird Table' | Where-Object Index -like 'Weird*' | Remove-PgIndex -WhatIf
"@
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match ([regex]::Escape('DROP INDEX CONCURRENTLY public."Weird ""Name""";'))
        $result.Output | Should -Match ([regex]::Escape("SET lock_timeout = '5s'"))
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname = 'Weird `"Name`"'" | Should -Be '1'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.index_drop_log' | Should -Be '0'
    }

    It 'Remove-PgIndex -Confirm:$false drops, returns the rollback DDL, and the DDL recreates the index' {
        $r = Get-PgDuplicateIndex -Connection $cs -Kind LeftPrefix | Remove-PgIndex -Confirm:$false
        $r | Should -BeOfType PgPerf.PgIndexDropResult
        $r.Index | Should -Be 'wt_a'
        $r.RollbackDdl | Should -Be 'CREATE INDEX CONCURRENTLY wt_a ON public."Weird Table" USING btree (a);'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname = 'wt_a'" | Should -Be '0'
        Invoke-TestSql -Database $db.Name "SELECT status, rollback_ddl = '$($r.RollbackDdl -replace "'", "''")' FROM pgperf.index_drop_log" | Should -Be 'dropped|t'

        Invoke-TestSql -Database $db.Name $r.RollbackDdl | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT indisvalid FROM pg_index WHERE indexrelid = 'wt_a'::regclass" | Should -Be 't'

        $weird = Remove-PgIndex -Connection $cs -Schema public -Index 'Weird "Name"' -Confirm:$false
        $weird.RollbackDdl | Should -Be 'CREATE INDEX CONCURRENTLY "Weird ""Name""" ON public."Weird Table" USING btree (note);'
        Invoke-TestSql -Database $db.Name $weird.RollbackDdl | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname = 'Weird `"Name`"'" | Should -Be '1'
    }

    It 'Remove-PgIndex refuses a constraint index and an unknown name, and goes on with the next' {
        $out = Remove-PgIndex -Connection $cs -Index 'Weird Table_pkey', "nope'; DROP TABLE x; --", 'wt_email' -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Index.ConstraintBacked,*'
        $errs[0].Exception.Message | Should -Match 'primary key'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Index.NotFound,*'
        $out.Index | Should -Be 'wt_email'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname IN ('Weird Table_pkey', 'wt_email')" | Should -Be '1'
    }

    It 'Get-PgInvalidIndex lists the index a failed CREATE UNIQUE INDEX CONCURRENTLY left' {
        Invoke-TestSql -Database $db.Name 'CREATE UNIQUE INDEX CONCURRENTLY wt_b_unique ON "Weird Table"(b)' -AllowError | Out-Null
        $bad = @(Get-PgInvalidIndex -Connection $cs)
        $bad.Index | Should -Be 'wt_b_unique'
        $bad[0].IsUnique | Should -BeTrue
        $bad[0].Table | Should -Be 'Weird Table'
        ($bad | Remove-PgIndex -Confirm:$false).Index | Should -Be 'wt_b_unique'
        @(Get-PgInvalidIndex -Connection $cs) | Should -HaveCount 0
    }

    It 'Get-PgInvalidIndex leaves PgPerf''s own schema out unless -IncludePgPerf' {
        Invoke-TestSql -Database $db.Name 'CREATE TABLE pgperf.zz_selftest (b int); INSERT INTO pgperf.zz_selftest VALUES (1), (1)' | Out-Null
        Invoke-TestSql -Database $db.Name 'CREATE UNIQUE INDEX CONCURRENTLY zz_selftest_b ON pgperf.zz_selftest (b)' -AllowError | Out-Null
        try {
            @(Get-PgInvalidIndex -Connection $cs) | Should -HaveCount 0
            $own = @(Get-PgInvalidIndex -Connection $cs -IncludePgPerf)
            $own.Index | Should -Be 'zz_selftest_b'
            $own[0].Schema | Should -Be 'pgperf'
        } finally {
            Invoke-TestSql -Database $db.Name 'DROP TABLE pgperf.zz_selftest' | Out-Null
        }
    }

    It 'Get-PgUnusedIndex -RaiseAlerts opens one alert per large unused index and resolves it once the index is gone' {
        Invoke-TestSql -Database $db.Name @'
CREATE TABLE big(v int); INSERT INTO big SELECT g FROM generate_series(1, 600000) g; CREATE INDEX big_v ON big(v); ANALYZE big;
'@ | Out-Null
        $rows = Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -Status ConsiderDropping -RaiseAlerts
        $rows.Index | Should -Be 'big_v'
        Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge -RaiseAlerts | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT dedup_key, occurrences FROM pgperf.performance_alerts WHERE resolved_at IS NULL" | Should -Be 'unused_index:public.big_v|2'
        Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge | Out-Null   # a report: writes no alert
        Invoke-TestSql -Database $db.Name "SELECT occurrences FROM pgperf.performance_alerts WHERE resolved_at IS NULL" | Should -Be '2'

        Remove-PgIndex -Connection $cs -Index big_v -Confirm:$false | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT resolved_by FROM pgperf.performance_alerts" | Should -Be 'Remove-PgIndex'
    }
}
