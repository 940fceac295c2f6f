BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:db = New-TestDatabase
    $script:cs = $db.ConnectionString
    Install-PgPerfSchema -Connection $cs | Out-Null
    Invoke-TestSql -Database $db.Name @'
CREATE TABLE complete_orders (id int PRIMARY KEY, status text);
CREATE INDEX complete_orders_status_idx ON complete_orders (status);
CREATE SCHEMA "Sales Data";
CREATE TABLE "Sales Data"."Complete Me" (id int);
CREATE TABLE other_table (id int);
'@ | Out-Null

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }
}
AfterAll { Remove-TestDatabase $script:db }

Describe 'Tab completion of -Schema, -Table and -Index' -Tag 'Integration' {
    It 'completes -Table from the server named by -Connection' {
        $names = Get-Completion "Get-PgTableBloat -Connection '$cs' -Table complete_"
        $names | Should -Contain 'complete_orders'
        $names | Should -Not -Contain 'other_table'
    }

    It 'completes -Index and leaves PgPerf''s own objects out' {
        $names = Get-Completion "Remove-PgIndex -Connection '$cs' -Index "
        $names | Should -Contain 'complete_orders_status_idx'
        $names | Should -Contain 'complete_orders_pkey'
        $names | Where-Object { $_ -like 'performance_alerts*' } | Should -BeNullOrEmpty
    }

    It 'quotes names with spaces and narrows tables to the given -Schema' {
        Get-Completion "Get-PgUnusedIndex -Connection '$cs' -Schema sal" | Should -Be @("'Sales Data'")
        Get-Completion "Get-PgTableBloat -Connection '$cs' -Schema 'Sales Data' -Table " | Should -Be @("'Complete Me'")
    }

    It 'uses the session default when -Connection is not typed' {
        Connect-PgServer -ConnectionString $cs
        Get-Completion 'Get-PgIndexTrend -Table complete_' | Should -Contain 'complete_orders'
    }

    It 'asks the -Connection given (not the session default) and offers nothing when that server is down' {
        $closed = Get-FreeTcpPort
        $names = Get-Completion "Get-PgTableBloat -Connection 'Host=127.0.0.1;Port=$closed;Username=x;Timeout=1' -Table c"
        # PowerShell may still offer file names; none of the server's names.
        $names | Where-Object { $_ -like '*complete*' } | Should -BeNullOrEmpty
    }
}
