BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
}

Describe 'The suite''s server' -Tag 'Integration' {
    It 'runs with autovacuum off and pg_stat_statements preloaded, whichever path started it' {
        # An automatic ANALYZE would hold back VACUUM in the tests' databases and make bloat tests flaky.
        Invoke-TestSql 'SHOW autovacuum' | Should -Be 'off'
        Invoke-TestSql 'SHOW shared_preload_libraries' | Should -Match 'pg_stat_statements'
    }

    It 'is the pinned release of the major asked for with -PgVersion (PGPERF_TEST_PG_VERSION)' -Tag 'Version' {
        if (-not $env:PGPERF_TEST_PG_VERSION) { Set-ItResult -Skipped -Because 'the suite runs on the machine''s own PostgreSQL or the container (no -PgVersion)'; return }
        $release = Get-PgPerfTestPgRelease -Major $env:PGPERF_TEST_PG_VERSION
        Invoke-TestSql 'SHOW server_version' | Should -Match "^$([regex]::Escape($release.Minor))(\D|$)"
        Invoke-TestSql 'SELECT count(*) FROM pg_available_extensions WHERE name IN (''pg_stat_statements'', ''pgstattuple'')' | Should -Be '2'
    }
}

# The suite itself runs on whichever server build.ps1 chose (CI: a container). This keeps the other
# path honest: the local initdb/pg_ctl server must start, serve PgPerf, and leave nothing behind.
Describe 'The local throwaway server' -Tag 'Integration' {
    It 'starts on a free loopback port, serves the module with extensions available, and is fully removed' {
        $server = Start-PgPerfTestServer -Server Local
        try {
            $server.Kind | Should -Be 'Local'
            $server.Host | Should -Be '127.0.0.1'
            (Get-PgPerfSchema -Connection $server.ConnectionString).LatestVersion | Should -BeGreaterThan 0
            $env:PGPASSWORD = $server.Password
            $preload = & psql -X -t -A -h 127.0.0.1 -p $server.Port -U postgres -d postgres -c 'SHOW shared_preload_libraries'
            $ext = & psql -X -t -A -h 127.0.0.1 -p $server.Port -U postgres -d postgres -c 'CREATE EXTENSION pgstattuple; SELECT count(*) > 0 FROM pgstattuple(''pg_class'')'
            $preload | Should -Match 'pg_stat_statements'
            $ext | Should -Contain 't'
        } finally {
            Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
            Stop-PgPerfTestServer -Server $server
        }
        Test-Path $server.Root | Should -BeFalse
        & pg_isready -q -h 127.0.0.1 -p $server.Port
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'survives a stop and restart with its data (used by the outage tests)' {
        $server = Start-PgPerfTestServer -Server Local
        try {
            $env:PGPASSWORD = $server.Password
            & psql -X -q -h 127.0.0.1 -p $server.Port -U postgres -d postgres -c 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)' | Out-Null
            Suspend-PgPerfTestServer $server
            & pg_isready -q -h 127.0.0.1 -p $server.Port
            $LASTEXITCODE | Should -Not -Be 0
            Resume-PgPerfTestServer $server
            & psql -X -t -A -h 127.0.0.1 -p $server.Port -U postgres -d postgres -c 'SELECT x FROM kept' | Should -Be '42'
        } finally {
            Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
            Stop-PgPerfTestServer -Server $server
        }
    }
}
