# Least privilege: migration 009's roles, used through LOGIN roles that are members of them. Shows what each
# role can run and that everything else is refused.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:db = New-TestDatabase 'pgperf_sec'
    $script:install = Install-PgPerfSchema -Connection $db.ConnectionString
    Invoke-TestSql -Database $db.Name @'
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE TABLE app_orders (id bigint PRIMARY KEY, status text, note text) WITH (autovacuum_enabled = off);
INSERT INTO app_orders SELECT g, 'new', repeat('n', 100) FROM generate_series(1, 5000) g;
DELETE FROM app_orders WHERE id % 3 <> 0;
CREATE INDEX app_orders_status ON app_orders (status);
CREATE INDEX app_orders_status_dup ON app_orders (status);
ANALYZE app_orders;
CREATE TABLE app_secret (token text);
INSERT INTO app_secret VALUES ('do-not-read');
'@ | Out-Null

    function New-Login([string] $Kind, [string] $InRole) {
        $name = "pgperf_t_${Kind}_$script:suffix"
        $password = New-TestPassword
        $in = if ($InRole) { " IN ROLE $InRole" } else { '' }
        Invoke-TestSql "CREATE ROLE $name LOGIN PASSWORD '$password'$in" | Out-Null
        $cs = $db.ConnectionString -replace 'Username=[^;]*', "Username=$name" -replace 'Password=[^;]*', "Password=$password"
        [pscustomobject]@{ Name = $name; Password = $password; ConnectionString = $cs }
    }

    # Runs SQL as a login role; returns whether it worked and what psql printed.
    function Invoke-SqlAs([object] $Login, [string] $Sql, [string] $Database = $script:db.Name) {
        $env:PGPASSWORD = $Login.Password
        try {
            $out = & psql -X -q -t -A -v ON_ERROR_STOP=1 -h (Get-TestConnectionPart 'Host') -p (Get-TestConnectionPart 'Port') -U $Login.Name -d $Database -c $Sql 2>&1
            [pscustomobject]@{ Ok = $LASTEXITCODE -eq 0; Output = ($out | ForEach-Object { "$_" }) -join "`n" }
        } finally { Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue }
    }

    $script:writer = New-Login 'w' 'pgperf_writer'
    $script:monitor = New-Login 'm' 'pgperf_monitor'
    $script:spool = Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-sec-spool-' + $script:suffix)
}

AfterAll {
    Remove-TestDatabase $script:db
    Invoke-TestSql "DROP ROLE IF EXISTS pgperf_t_w_$script:suffix, pgperf_t_m_$script:suffix, pgperf_t_p_$script:suffix" | Out-Null
    Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
}

Describe 'Security: the roles of migration 009' -Tag 'Security', 'Integration' {
    It 'exist as NOLOGIN roles, the monitor is a member of pg_monitor, and neither is a superuser' {
        Invoke-TestSql "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname IN ('pgperf_writer', 'pgperf_monitor') ORDER BY 1" |
            Should -Be @('pgperf_monitor|f|f|f|f|f', 'pgperf_writer|f|f|f|f|f')
        Invoke-TestSql "SELECT pg_has_role('pgperf_monitor', 'pg_monitor', 'MEMBER'), pg_has_role('pgperf_writer', 'pg_monitor', 'MEMBER')" | Should -Be 't|f'
        $script:install.AppliedNow.Version | Should -Contain 9
    }

    It 'Install-PgPerfSchema says when it created the roles, and warns and goes on when it may not create them' {
        $keep = "_keep_$script:suffix"
        $made = $null; $limited = $null; $installer = $null
        Invoke-TestSql "ALTER ROLE pgperf_writer RENAME TO pgperf_writer$keep; ALTER ROLE pgperf_monitor RENAME TO pgperf_monitor$keep" | Out-Null
        try {
            # A superuser installer creates them and says so.
            $made = New-TestDatabase 'pgperf_sec'
            $created = Install-PgPerfSchema -Connection $made.ConnectionString -WarningVariable w1 -WarningAction SilentlyContinue
            ($created.Notices | Where-Object Migration -eq '009_roles').Message | Should -Match 'created role\(s\) pgperf_writer, pgperf_monitor \(NOLOGIN\)'
            $w1 | Should -BeNullOrEmpty
            Remove-TestDatabase $made; $made = $null
            Invoke-TestSql 'DROP ROLE pgperf_writer, pgperf_monitor' | Out-Null

            # An installer without CREATEROLE (it owns its database) gets the schema and a warning per role.
            $installer = New-Login 'p' $null
            $limited = New-TestDatabase 'pgperf_sec'
            Invoke-TestSql "ALTER DATABASE $($limited.Name) OWNER TO $($installer.Name)" | Out-Null
            $cs = $limited.ConnectionString -replace 'Username=[^;]*', "Username=$($installer.Name)" -replace 'Password=[^;]*', "Password=$($installer.Password)"
            $skipped = Install-PgPerfSchema -Connection $cs -WarningVariable w2 -WarningAction SilentlyContinue
            $skipped.InstalledVersion | Should -Be $skipped.LatestVersion
            # (migration 014 also warns that this installer may not create pg_stat_statements)
            @($skipped.Notices | Where-Object IsWarning | Where-Object Message -notmatch 'pg_stat_statements').Message | Should -Match 'role pgperf_(writer|monitor) was not created: .* is neither superuser nor CREATEROLE'
            @($skipped.Notices | Where-Object IsWarning | Where-Object Message -notmatch 'pg_stat_statements').Count | Should -Be 2
            @($skipped.Notices | Where-Object IsWarning | Where-Object Message -match 'could not create the extension pg_stat_statements').Count | Should -Be 1
            ($w2 -join "`n") | Should -Match "009_roles on .*role pgperf_writer was not created"
            Invoke-TestSql "SELECT count(*) FROM pg_roles WHERE rolname IN ('pgperf_writer', 'pgperf_monitor')" | Should -Be '0'
        } finally {
            if ($made) { Remove-TestDatabase $made }
            if ($limited) { Remove-TestDatabase $limited }
            Invoke-TestSql 'DROP ROLE IF EXISTS pgperf_writer, pgperf_monitor' -AllowError | Out-Null
            Invoke-TestSql "ALTER ROLE pgperf_writer$keep RENAME TO pgperf_writer; ALTER ROLE pgperf_monitor$keep RENAME TO pgperf_monitor" | Out-Null
            if ($installer) { Invoke-TestSql "DROP ROLE $($installer.Name)" | Out-Null }
        }
    }
    It 'a CREATEROLE installer creates the roles; from PostgreSQL 16 it may no longer grant pg_monitor, and says so' -Tag 'Version' {
        $keep = "_keep_$script:suffix"
        $installer = $null; $target = $null
        Invoke-TestSql "ALTER ROLE pgperf_writer RENAME TO pgperf_writer$keep; ALTER ROLE pgperf_monitor RENAME TO pgperf_monitor$keep" | Out-Null
        try {
            $installer = New-Login 'c' $null
            Invoke-TestSql "ALTER ROLE $($installer.Name) CREATEROLE" | Out-Null
            $target = New-TestDatabase 'pgperf_sec'
            Invoke-TestSql "ALTER DATABASE $($target.Name) OWNER TO $($installer.Name)" | Out-Null
            $cs = $target.ConnectionString -replace 'Username=[^;]*', "Username=$($installer.Name)" -replace 'Password=[^;]*', "Password=$($installer.Password)"
            $result = Install-PgPerfSchema -Connection $cs -WarningAction SilentlyContinue
            $result.InstalledVersion | Should -Be $result.LatestVersion
            (@($result.Notices | Where-Object Migration -eq '009_roles' | ForEach-Object Message) -join "`n") | Should -Match 'created role\(s\) pgperf_writer, pgperf_monitor'
            # pg_stat_statements needs a superuser to create (migration 014 says so); the role warnings are what this test is about.
            $warnings = @($result.Notices | Where-Object IsWarning | ForEach-Object Message | Where-Object { $_ -notmatch 'pg_stat_statements' })
            if ((Get-TestServerVersionNum) -ge 160000) {
                # 16 limits CREATEROLE to roles it has ADMIN OPTION on, which pg_monitor is not.
                ($warnings -join "`n") | Should -Match 'could not make pgperf_monitor a member of pg_monitor'
                Invoke-TestSql "SELECT pg_has_role('pgperf_monitor', 'pg_monitor', 'MEMBER')" | Should -Be 'f'
            } else {
                $warnings | Should -BeNullOrEmpty
                Invoke-TestSql "SELECT pg_has_role('pgperf_monitor', 'pg_monitor', 'MEMBER')" | Should -Be 't'
            }
        } finally {
            if ($target) { Remove-TestDatabase $target }
            Invoke-TestSql 'DROP ROLE IF EXISTS pgperf_writer, pgperf_monitor' -AllowError | Out-Null
            Invoke-TestSql "ALTER ROLE pgperf_writer$keep RENAME TO pgperf_writer; ALTER ROLE pgperf_monitor$keep RENAME TO pgperf_monitor" | Out-Null
            if ($installer) { Invoke-TestSql "DROP ROLE $($installer.Name)" | Out-Null }
        }
    }
}

Describe 'Security: pgperf_writer can log queries and nothing else' -Tag 'Security', 'Integration' {
    It 'sends query logs and opens slow_query alerts through Send-PgQueryLog and Measure-PgQuery' {
        1..3 | ForEach-Object { [pscustomobject]@{ query_text = "SELECT * FROM app_orders WHERE id = $_"; duration_ms = 300 * $_; endpoint = '/orders'; parameters = @{ id = $_ } } } |
            Send-PgQueryLog -Connection $writer.ConnectionString -SpoolPath $spool -WarningVariable w
        $w | Should -BeNullOrEmpty
        Measure-PgQuery -Connection $writer.ConnectionString -Name 'orders.count' -SpoolPath $spool { 7 } | Should -Be 7
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.query_performance_logs" | Should -Be '4'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.performance_alerts WHERE alert_type = 'slow_query' AND resolved_at IS NULL" | Should -Be '1'
        @(Get-ChildItem $spool -Filter 'querylog-*.jsonl' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'replays its spool exactly once (the replay reads only logged_at and record_id)' {
        Invoke-TestSql -Database $db.Name 'REVOKE INSERT ON pgperf.query_performance_logs FROM pgperf_writer' | Out-Null
        try {
            1..3 | ForEach-Object { [pscustomobject]@{ query_text = 'replayed.q'; duration_ms = $_ } } |
                Send-PgQueryLog -Connection $writer.ConnectionString -SpoolPath $spool -WarningVariable w -WarningAction SilentlyContinue
        } finally {
            Invoke-TestSql -Database $db.Name 'GRANT INSERT ON pgperf.query_performance_logs TO pgperf_writer' | Out-Null
        }
        ($w -join "`n") | Should -Match 'lacks a privilege.*saved to the spool'
        Send-PgQueryLog -Connection $writer.ConnectionString -QueryText 'replayed.q' -DurationMs 4 -SpoolPath $spool -Verbose 4>&1 |
            Out-String | Should -Match 'Replayed 3 spooled record'
        Invoke-TestSql -Database $db.Name "SELECT count(*), count(DISTINCT record_id) FROM pgperf.query_performance_logs WHERE query_text = 'replayed.q'" | Should -Be '4|4'
        @(Get-ChildItem $spool -Filter 'querylog-*.jsonl').Count | Should -Be 0
    }

    It 'is refused by the report and snapshot cmdlets with PgPerf.PermissionDenied: <Cmdlet>' -ForEach @(
        @{ Cmdlet = 'Get-PgSlowQuery'; Run = { param($c) Get-PgSlowQuery -Connection $c } }
        @{ Cmdlet = 'Get-PgQueryStat'; Run = { param($c) Get-PgQueryStat -Connection $c -Hours 1 } }
        @{ Cmdlet = 'Invoke-PgIndexSnapshot'; Run = { param($c) Invoke-PgIndexSnapshot -Connection $c } }
        @{ Cmdlet = 'Invoke-PgBloatSnapshot'; Run = { param($c) Invoke-PgBloatSnapshot -Connection $c } }
        @{ Cmdlet = 'Get-PgPerfAlert -Type job_failure'; Run = { param($c) Get-PgPerfAlert -Connection $c -Type job_failure } }
    ) {
        # Terminating or not (a snapshot reports per target), the refusal must carry PgPerf.PermissionDenied.
        $err = { $ErrorActionPreference = 'Stop'; & $Run $writer.ConnectionString } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.PermissionDenied,*'
        $err.Exception.Message | Should -Match "role '$($writer.Name)'.*lacks a privilege.*docs/security\.md"
    }

    It 'is refused by the server: <Case>' -ForEach @(
        @{ Case = 'reading query text'; Sql = 'SELECT query_text FROM pgperf.query_performance_logs'; Error = 'permission denied for table query_performance_logs' }
        @{ Case = 'reading parameters'; Sql = 'SELECT parameters FROM pgperf.query_performance_logs'; Error = 'permission denied for table query_performance_logs' }
        @{ Case = 'changing query logs'; Sql = 'UPDATE pgperf.query_performance_logs SET duration_ms = 0'; Error = 'permission denied for table query_performance_logs' }
        @{ Case = 'deleting query logs'; Sql = 'DELETE FROM pgperf.query_performance_logs'; Error = 'permission denied for table query_performance_logs' }
        @{ Case = 'writing snapshots'; Sql = "INSERT INTO pgperf.index_usage_snapshots (schemaname, tablename, indexname, idx_scan, idx_tup_read, idx_tup_fetch, index_size_bytes) VALUES ('a', 'b', 'c', 0, 0, 0, 0)"; Error = 'permission denied for table index_usage_snapshots' }
        @{ Case = 'opening another kind of alert'; Sql = "SELECT pgperf.create_performance_alert('job_failure', 'critical', 'x', 'forged')"; Error = 'row-level security policy' }
        @{ Case = 'resolving alerts'; Sql = "UPDATE pgperf.performance_alerts SET resolved_at = now()"; Error = 'permission denied for table performance_alerts' }
        @{ Case = 'writing the migration log'; Sql = "INSERT INTO pgperf.schema_migrations (version, name) VALUES (999, 'x')"; Error = 'permission denied for table schema_migrations' }
        @{ Case = 'writing an application table'; Sql = "INSERT INTO public.app_orders VALUES (999999, 'x', 'x')"; Error = 'permission denied for table app_orders' }
        @{ Case = 'reading an application table'; Sql = 'SELECT token FROM public.app_secret'; Error = 'permission denied for table app_secret' }
        @{ Case = 'creating a table in pgperf'; Sql = 'CREATE TABLE pgperf.evil (x int)'; Error = 'permission denied for schema pgperf' }
        @{ Case = 'calling the partition-drop function'; Sql = "SELECT pgperf.drop_query_log_partition('query_performance_logs_p20000101')"; Error = 'permission denied for function drop_query_log_partition' }
        @{ Case = 'dropping a pgperf table'; Sql = 'DROP TABLE pgperf.query_performance_logs'; Error = 'must be owner of table query_performance_logs' }
        @{ Case = 'truncating query logs'; Sql = 'TRUNCATE pgperf.query_performance_logs'; Error = 'permission denied for table query_performance_logs' }
    ) {
        $r = Invoke-SqlAs $writer $Sql
        $r.Ok | Should -BeFalse -Because "$Case must be refused"
        $r.Output | Should -Match $Error
    }

    It 'sees only slow_query alerts, and nothing it was refused changed anything' {
        Invoke-TestSql -Database $db.Name "SELECT pgperf.create_performance_alert('job_failure', 'warning', 'hourly job: x', 'real', '{}', 'job_failure:test')" | Out-Null
        (Invoke-SqlAs $writer 'SELECT DISTINCT alert_type FROM pgperf.performance_alerts').Output | Should -Be 'slow_query'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.performance_alerts WHERE message = 'forged' OR resolved_at IS NOT NULL" | Should -Be '0'
        Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM app_orders WHERE id = 999999' | Should -Be '0'
        Invoke-TestSql -Database $db.Name "SELECT to_regclass('pgperf.evil') IS NULL, to_regclass('pgperf.query_performance_logs') IS NOT NULL" | Should -Be 't|t'
    }
}

Describe 'Security: pgperf_monitor runs snapshots, reports and jobs without superuser' -Tag 'Security', 'Integration' {
    It 'is not a superuser and owns nothing' {
        Invoke-TestSql "SELECT rolsuper FROM pg_roles WHERE rolname = '$($monitor.Name)'" | Should -Be 'f'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = 'pgperf_monitor')" | Should -Be '0'
    }

    It 'captures snapshots, confirms bloat with pgstattuple and reads every report' {
        $c = $monitor.ConnectionString
        (Invoke-PgIndexSnapshot -Connection $c).Count | Should -Be 3
        $bloat = Invoke-PgBloatSnapshot -Connection $c -ConfirmAbovePercent 0
        $bloat.Skipped | Should -BeNullOrEmpty
        Invoke-TestSql -Database $db.Name "SELECT method FROM pgperf.table_bloat_snapshots WHERE tablename = 'app_orders'" | Should -Be 'Approx'
        $exact = Get-PgTableBloat -Connection $c -Table app_orders -Method Exact
        $exact.Method | Should -Be 'Exact'
        $exact.DeadTuples | Should -BeGreaterThan 0
        @(Get-PgSlowQuery -Connection $c -MinDurationMs 0).Count | Should -BeGreaterOrEqual 4
        (Get-PgQueryStat -Connection $c -Hours 1).TotalQueries | Should -BeGreaterOrEqual 4
        @(Get-PgUnusedIndex -Connection $c -MinDaysUnused 1 -Table app_orders).Count | Should -Be 2
        @(Get-PgDuplicateIndex -Connection $c).Index | Should -Contain 'app_orders_status_dup'
        Get-PgInvalidIndex -Connection $c | Should -BeNullOrEmpty
        @(Get-PgIndexTrend -Connection $c -Table app_orders).Count | Should -BeGreaterOrEqual 2
        $alert = Get-PgPerfAlert -Connection $c -Type slow_query -Open
        $alert | Should -Not -BeNullOrEmpty
        ($alert | Resolve-PgPerfAlert -Connection $c -ResolvedBy 'ops').ResolvedBy | Should -Be 'ops'
    }

    It 'runs the hourly and daily jobs and retention with every step succeeding' {
        $hourly = Invoke-PgHourlyMonitoring -Connection $monitor.ConnectionString
        $hourly.Steps | ForEach-Object { "$($_.Name)=$($_.Status)" } | Should -Be @('index snapshot=Succeeded', 'bloat snapshot=Succeeded', 'query partitions=Succeeded', 'query rollups=Succeeded', 'query performance=Succeeded', 'statement snapshot=Succeeded', 'statement regressions=Succeeded', 'health alerts=Succeeded', 'job failure alerts=Succeeded')
        $daily = Invoke-PgDailyMaintenance -Connection $monitor.ConnectionString
        $daily.Steps | ForEach-Object { "$($_.Name)=$($_.Status)" } | Should -Be @('unused indexes=Succeeded', 'high bloat=Succeeded', 'retention=Succeeded', 'job failure alerts=Succeeded')
        Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.query_performance_logs (logged_at, query_text, duration_ms) VALUES (now() - interval '90 days', 'ancient', 1)" | Out-Null
        (Invoke-PgPerfRetention -Connection $monitor.ConnectionString -Confirm:$false).TotalRowsDeleted | Should -Be 1
    }

    It 'is refused when it tries to drop an index or vacuum an application table' {
        $drop = { Remove-PgIndex -Connection $monitor.ConnectionString -Index app_orders_status_dup -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $drop.FullyQualifiedErrorId | Should -BeLike 'PgPerf.PermissionDenied,*'
        $drop.Exception.Message | Should -Match 'must be owner of index app_orders_status_dup'
        Invoke-TestSql -Database $db.Name "SELECT to_regclass('public.app_orders_status_dup') IS NOT NULL" | Should -Be 't'

        $vacuum = { Invoke-PgVacuum -Connection $monitor.ConnectionString -Table app_orders -Full -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $vacuum.FullyQualifiedErrorId | Should -BeLike 'PgPerf.PermissionDenied,*'
        $vacuum.Exception.Message | Should -Match "may not vacuum public\.app_orders.*owner"
    }

    It 'vacuums a table it was granted MAINTAIN on from PostgreSQL 17; before 17 there is no such grant and it is refused' -Tag 'Version' {
        if ((Get-TestServerVersionNum) -ge 170000) {
            Invoke-TestSql -Database $db.Name "GRANT MAINTAIN ON app_orders TO $($monitor.Name)" | Out-Null
            try {
                (Invoke-PgVacuum -Connection $monitor.ConnectionString -Table app_orders -Confirm:$false -ErrorAction Stop).Sql | Should -Be 'VACUUM public.app_orders'
            } finally {
                Invoke-TestSql -Database $db.Name "REVOKE MAINTAIN ON app_orders FROM $($monitor.Name)" | Out-Null
            }
        } else {
            Invoke-TestSql -Database $db.Name "GRANT MAINTAIN ON app_orders TO $($monitor.Name)" -AllowError | Should -Match 'unrecognized privilege type "maintain"'
        }
        $refused = { Invoke-PgVacuum -Connection $monitor.ConnectionString -Table app_orders -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $refused.FullyQualifiedErrorId | Should -BeLike 'PgPerf.PermissionDenied,*'
    }

    It 'vacuums, as the owner of the database, a table it does not own, on every version' -Tag 'Version' {
        $owner = New-Login 'o' $null
        $owned = New-TestDatabase 'pgperf_sec'
        try {
            Invoke-TestSql "ALTER DATABASE $($owned.Name) OWNER TO $($owner.Name)" | Out-Null
            Invoke-TestSql -Database $owned.Name 'CREATE TABLE not_mine (id int); INSERT INTO not_mine SELECT generate_series(1, 100)' | Out-Null
            $cs = $owned.ConnectionString -replace 'Username=[^;]*', "Username=$($owner.Name)" -replace 'Password=[^;]*', "Password=$($owner.Password)"
            (Invoke-PgVacuum -Connection $cs -Table not_mine -Confirm:$false -ErrorAction Stop).Sql | Should -Be 'VACUUM public.not_mine'
        } finally {
            Remove-TestDatabase $owned
            Invoke-TestSql "DROP ROLE $($owner.Name)" | Out-Null
        }
    }

    It 'is refused by the server: <Case>' -ForEach @(
        @{ Case = 'writing an application table'; Sql = "INSERT INTO public.app_orders VALUES (999998, 'x', 'x')"; Error = 'permission denied for table app_orders' }
        @{ Case = 'reading an application table'; Sql = 'SELECT token FROM public.app_secret'; Error = 'permission denied for table app_secret' }
        @{ Case = 'dropping a pgperf table'; Sql = 'DROP TABLE pgperf.performance_alerts'; Error = 'must be owner of table performance_alerts' }
        @{ Case = 'truncating a pgperf table'; Sql = 'TRUNCATE pgperf.index_usage_snapshots'; Error = 'permission denied for table index_usage_snapshots' }
        @{ Case = 'altering a pgperf table'; Sql = 'ALTER TABLE pgperf.query_performance_logs ADD COLUMN x int'; Error = 'must be owner of table query_performance_logs' }
        @{ Case = 'creating a table in pgperf'; Sql = 'CREATE TABLE pgperf.evil (x int)'; Error = 'permission denied for schema pgperf' }
        @{ Case = 'dropping a pgperf table through the partition-drop function'; Sql = "SELECT pgperf.drop_query_log_partition('performance_alerts')"; Error = 'not a daily query-log partition name' }
        @{ Case = 'dropping the default log partition through the partition-drop function'; Sql = "SELECT pgperf.drop_query_log_partition('query_performance_logs_default')"; Error = 'not a daily query-log partition name' }
        @{ Case = 'writing the migration log'; Sql = "INSERT INTO pgperf.schema_migrations (version, name) VALUES (999, 'x')"; Error = 'permission denied for table schema_migrations' }
        @{ Case = 'replacing a pgperf function'; Sql = "CREATE OR REPLACE FUNCTION pgperf.get_slow_queries(integer, double precision) RETURNS SETOF int LANGUAGE sql AS 'SELECT 1'"; Error = 'permission denied for schema pgperf|must be owner' }
    ) {
        $r = Invoke-SqlAs $monitor $Sql
        $r.Ok | Should -BeFalse -Because "$Case must be refused"
        $r.Output | Should -Match $Error
    }

    It 'gets the same rights on tables and partitions the installer adds later; creating a partition itself is refused' {
        Invoke-TestSql -Database $db.Name @'
CREATE TABLE pgperf.future_rollup (day date PRIMARY KEY, n bigint);
CREATE TABLE pgperf.future_log (logged_at timestamptz NOT NULL, q text) PARTITION BY RANGE (logged_at);
CREATE TABLE pgperf.future_log_p1 PARTITION OF pgperf.future_log FOR VALUES FROM ('2020-01-01') TO ('2030-01-01');
INSERT INTO pgperf.future_log VALUES ('2025-01-01', 'x');
'@ | Out-Null
        try {
            (Invoke-SqlAs $monitor "INSERT INTO pgperf.future_rollup VALUES ('2025-01-01', 1)").Ok | Should -BeTrue
            # Retention works partition by partition, on the partition itself.
            (Invoke-SqlAs $monitor 'DELETE FROM pgperf.future_log_p1').Ok | Should -BeTrue
            Invoke-TestSql -Database $db.Name 'SELECT count(*) FROM pgperf.future_log' | Should -Be '0'
            (Invoke-SqlAs $writer "INSERT INTO pgperf.future_rollup VALUES ('2025-01-02', 1)").Output | Should -Match 'permission denied for table future_rollup'
            # A partition needs the parent's owner: the job must create partitions through a SECURITY DEFINER function (see docs/security.md).
            (Invoke-SqlAs $monitor "CREATE TABLE pgperf.future_log_p2 PARTITION OF pgperf.future_log FOR VALUES FROM ('2030-01-01') TO ('2031-01-01')").Output |
                Should -Match 'permission denied for schema pgperf|must be owner'
        } finally {
            Invoke-TestSql -Database $db.Name 'DROP TABLE pgperf.future_rollup, pgperf.future_log' | Out-Null
        }
    }
}

Describe 'Security: pgstattuple without pg_stat_scan_tables' -Tag 'Security', 'Integration' {
    It 'the estimate works; Approx and Exact say which role to grant' {
        $plain = New-Login 'p' $null
        Invoke-TestSql -Database $db.Name "GRANT USAGE ON SCHEMA pgperf TO $($plain.Name); GRANT SELECT ON pgperf.schema_migrations TO $($plain.Name)" | Out-Null
        try {
            $estimate = Get-PgTableBloat -Connection $plain.ConnectionString -Table app_orders
            $estimate.Method | Should -Be 'Estimate'
            $rows = Get-PgTableBloat -Connection $plain.ConnectionString -Table app_orders -Method Exact -ErrorVariable errs -ErrorAction SilentlyContinue
            $rows | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Bloat.PermissionDenied,*'
            $errs[0].Exception.Message | Should -Match 'public\.app_orders was not measured: .*may not run pgstattuple.*GRANT pg_stat_scan_tables TO'
        } finally {
            Invoke-TestSql -Database $db.Name "REVOKE ALL ON SCHEMA pgperf FROM $($plain.Name); REVOKE ALL ON pgperf.schema_migrations FROM $($plain.Name)" | Out-Null
        }
    }
}
