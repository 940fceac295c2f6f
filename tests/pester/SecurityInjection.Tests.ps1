# Hostile names and values: every cmdlet that takes a schema, table or index name gets names with quotes,
# semicolons, spaces, Unicode and mixed case, and "'; DROP TABLE x; --" as a value. Only the intended object
# may change; sentinel tables and same-named objects elsewhere must stay exactly as they were.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    $script:db = New-TestDatabase 'pgperf_sec'
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null
    $script:schema = "Ops ""Zöne""; 'x"
    $script:table = "Ordérs 'q""; DROP TABLE victim; --"
    $script:index = "Idx ""Ü""; DROP TABLE x; --'"
    $script:evil = "'; DROP TABLE x; --"

    function Format-Ident([string] $Name) { '"' + $Name.Replace('"', '""') + '"' }
    $script:qSchema = Format-Ident $schema
    $script:qTable = "$qSchema.$(Format-Ident $table)"
    $script:qIndexName = Format-Ident $index
    $setup = @"
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE TABLE victim (id int PRIMARY KEY); INSERT INTO victim SELECT generate_series(1, 10);
CREATE TABLE x (id int PRIMARY KEY); INSERT INTO x SELECT generate_series(1, 10);
CREATE SCHEMA $qSchema;
CREATE TABLE $qTable (id int PRIMARY KEY, "Note ""n""" text) WITH (autovacuum_enabled = off);
INSERT INTO $qTable SELECT g, repeat('z', 100) FROM generate_series(1, 3000) g;
DELETE FROM $qTable WHERE id % 2 = 0;
CREATE INDEX $qIndexName ON $qTable ("Note ""n""");
-- The same names in public: a decoy that must never be touched.
CREATE TABLE public.$(Format-Ident $table) (id int PRIMARY KEY, note text);
CREATE INDEX $qIndexName ON public.$(Format-Ident $table) (note);
ANALYZE;
"@
    Invoke-TestSql -Database $db.Name $setup | Out-Null
    # One line per table and index of both schemas with its file: VACUUM FULL gives a rewritten relation a new one.
    $script:fingerprintSql = "SELECT format('%s.%s:%s', n.nspname, c.relname, c.relfilenode) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', '$($schema.Replace("'", "''"))') AND c.relkind IN ('r', 'i') ORDER BY 1"

    function Get-Sentinels { Invoke-TestSql -Database $db.Name 'SELECT (SELECT count(*) FROM victim), (SELECT count(*) FROM x)' }
}

AfterAll { Remove-TestDatabase $script:db }

Describe 'Security: hostile schema, table and index names' -Tag 'Security', 'Integration' {
    It 'Get-PgTableBloat finds exactly that table, by estimate and with pgstattuple' {
        $estimate = Get-PgTableBloat -Connection $cs -Schema $schema -Table $table
        @($estimate).Count | Should -Be 1
        $estimate.Schema | Should -BeExactly $schema
        $estimate.Table | Should -BeExactly $table
        $exact = Get-PgTableBloat -Connection $cs -Schema $schema -Table $table -Method Exact
        $exact.Method | Should -Be 'Exact'
        $exact.DeadTuples | Should -BeGreaterThan 0
        # The decoy of the same name in public is another table; asking for it gives that one.
        (Get-PgTableBloat -Connection $cs -Schema public -Table $table).LiveTuples | Should -Be 0
        Get-Sentinels | Should -Be '10|10'
    }

    It 'Invoke-PgIndexSnapshot, Get-PgUnusedIndex and Get-PgIndexTrend keep the names exact' {
        Invoke-PgIndexSnapshot -Connection $cs | Out-Null
        $unused = @(Get-PgUnusedIndex -Connection $cs -MinDaysUnused 1 -Schema $schema -Table $table)
        $unused.Index | Should -Be @($index)
        $unused.Table | Should -BeExactly $table
        $trend = @(Get-PgIndexTrend -Connection $cs -Schema $schema -Table $table -Index $index)
        $trend.Count | Should -BeGreaterOrEqual 1
        $trend | ForEach-Object { $_.Index | Should -BeExactly $index; $_.Schema | Should -BeExactly $schema }
        Get-Sentinels | Should -Be '10|10'
    }

    It 'Invoke-PgVacuum -Full rewrites only that table' {
        $before = Invoke-TestSql -Database $db.Name $fingerprintSql
        $result = Invoke-PgVacuum -Connection $cs -Schema $schema -Table $table -Full -Confirm:$false
        $result.Sql | Should -BeExactly "VACUUM (FULL) $qTable"
        $result.BytesAfter | Should -BeLessThan $result.BytesBefore
        $after = Invoke-TestSql -Database $db.Name $fingerprintSql
        # Exactly the table and its two indexes got new files; the decoys and sentinels kept theirs.
        @($after).Count | Should -Be @($before).Count
        $changed = Compare-Object $before $after | Where-Object SideIndicator -eq '=>' | ForEach-Object { $_.InputObject -replace ':\d+$', '' }
        @($changed | Sort-Object) | Should -Be @(@("$schema.$index", "$schema.$table", "$schema.$($table)_pkey") | Sort-Object)
        Get-Sentinels | Should -Be '10|10'
    }

    It 'Remove-PgIndex drops only that index, and its rollback DDL recreates it' {
        $dropped = Remove-PgIndex -Connection $cs -Schema $schema -Index $index -Confirm:$false
        $dropped.Index | Should -BeExactly $index
        $dropped.Schema | Should -BeExactly $schema
        Invoke-TestSql -Database $db.Name "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '$($index.Replace("'", "''"))'" |
            Should -Be 'public'
        Get-Sentinels | Should -Be '10|10'
        Invoke-TestSql -Database $db.Name $dropped.RollbackDdl | Out-Null
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname = '$($index.Replace("'", "''"))'" | Should -Be '2'
    }

    It 'without -Schema, an index name in two schemas is refused as ambiguous and nothing is dropped' {
        $err = { Remove-PgIndex -Connection $cs -Index $index -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Index.Ambiguous,*'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pg_class WHERE relname = '$($index.Replace("'", "''"))'" | Should -Be '2'
    }
}

Describe 'Security: "''; DROP TABLE x; --" as a value' -Tag 'Security', 'Integration' {
    It '<Cmdlet> reports it as not found and touches nothing' -ForEach @(
        @{ Cmdlet = 'Get-PgTableBloat -Table'; Id = 'PgPerf.Bloat.TableNotFound'; Run = { param($c, $v) Get-PgTableBloat -Connection $c -Table $v -ErrorAction Stop } }
        @{ Cmdlet = 'Get-PgTableBloat -Schema -Table -Method Exact'; Id = 'PgPerf.Bloat.TableNotFound'; Run = { param($c, $v) Get-PgTableBloat -Connection $c -Schema $v -Table $v -Method Exact -ErrorAction Stop } }
        @{ Cmdlet = 'Invoke-PgVacuum -Table'; Id = 'PgPerf.Bloat.TableNotFound'; Run = { param($c, $v) Invoke-PgVacuum -Connection $c -Table $v -Full -Confirm:$false -ErrorAction Stop } }
        @{ Cmdlet = 'Invoke-PgVacuum -Schema'; Id = 'PgPerf.Bloat.TableNotFound'; Run = { param($c, $v) Invoke-PgVacuum -Connection $c -Schema $v -Table x -Full -Confirm:$false -ErrorAction Stop } }
        @{ Cmdlet = 'Remove-PgIndex -Index'; Id = 'PgPerf.Index.NotFound'; Run = { param($c, $v) Remove-PgIndex -Connection $c -Index $v -Confirm:$false -ErrorAction Stop } }
        @{ Cmdlet = 'Remove-PgIndex -Schema'; Id = 'PgPerf.Index.NotFound'; Run = { param($c, $v) Remove-PgIndex -Connection $c -Schema $v -Index x_pkey -Confirm:$false -ErrorAction Stop } }
        @{ Cmdlet = 'Get-PgIndexTrend -Table'; Id = 'PgPerf.Index.TableNotFound'; Run = { param($c, $v) Get-PgIndexTrend -Connection $c -Table $v -ErrorAction Stop } }
        @{ Cmdlet = 'Get-PgIndexTrend -Schema'; Id = 'PgPerf.Index.TableNotFound'; Run = { param($c, $v) Get-PgIndexTrend -Connection $c -Schema $v -Table x -ErrorAction Stop } }
    ) {
        $err = { & $Run $cs $evil } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.Exception.Message | Should -Match ([regex]::Escape($evil))
        Get-Sentinels | Should -Be '10|10'
    }

    It 'filters that get it return nothing and touch nothing' {
        # "Nothing" must be an empty answer, not a non-terminating error (which also writes no output).
        $errs = @()
        Get-PgUnusedIndex -Connection $cs -MinDaysUnused 1 -Schema $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        Get-PgUnusedIndex -Connection $cs -MinDaysUnused 1 -Table $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        Get-PgIndexTrend -Connection $cs -Table x -Index $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        Get-PgSlowQuery -Connection $cs -MinDurationMs 0 -Endpoint $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        Get-PgSlowQuery -Connection $cs -MinDurationMs 0 -QueryHash $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        (Get-PgQueryStat -Connection $cs -Hours 1 -Endpoint $evil -ErrorAction SilentlyContinue -ErrorVariable +errs).TotalQueries | Should -Be 0
        Get-PgPerfAlert -Connection $cs -Type $evil -ErrorAction SilentlyContinue -ErrorVariable +errs | Should -BeNullOrEmpty
        $errs | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty
        Get-Sentinels | Should -Be '10|10'
    }

    It 'is stored verbatim as query text, endpoint, user and parameters, and read back verbatim' {
        Send-PgQueryLog -Connection $cs -QueryText "SELECT * FROM x WHERE note = '$evil'" -DurationMs 900 -Endpoint $evil -UserId $evil -Parameters @{ $evil = $evil } -SpoolPath (Join-Path ([System.IO.Path]::GetTempPath()) 'pgperf-inj-spool')
        $row = Get-PgSlowQuery -Connection $cs -Endpoint $evil
        $row.QueryText | Should -BeExactly "SELECT * FROM x WHERE note = '$evil'"
        $row.Endpoint | Should -BeExactly $evil
        $row.UserId | Should -BeExactly $evil
        ($row.Parameters | ConvertFrom-Json -AsHashtable)[$evil] | Should -BeExactly $evil
        (Get-PgQueryStat -Connection $cs -Hours 1 -GroupBy Endpoint).Endpoint | Should -Contain $evil
        # Its slow_query alert carries the text as data too.
        ((Get-PgPerfAlert -Connection $cs -Type slow_query -Open).Message -join "`n") | Should -Match ([regex]::Escape($evil))
        Get-Sentinels | Should -Be '10|10'
    }
}
