# Every default table view in module/formats/*.Format.ps1xml, rendered on real rows from the throwaway server:
# it fits 80 columns without the table cutting a cell, and every header is a property (or alias) of the type.
# Every output object also survives ConvertTo-Json and Export-Csv (issue 20, items 2, 3, 4 and one date format).
# The views are read from the built module, so views added later are checked without touching this file; a view
# whose type gets no rows below fails and says so.

BeforeDiscovery {
    Import-Module $env:PGPERF_MODULE_PATH -Force
    $formats = Join-Path (Split-Path $env:PGPERF_MODULE_PATH) '*.Format.ps1xml'
    $viewed = [System.Collections.Generic.HashSet[string]]::new()
    $script:tableViews = foreach ($file in Get-ChildItem $formats | Sort-Object Name) {
        foreach ($view in ([xml](Get-Content $file -Raw)).Configuration.ViewDefinitions.View) {
            $typeName = [string]$view.ViewSelectedBy.TypeName
            # The first view of a type is its default (each type has its views in one file); later ones are named views.
            $isDefault = $viewed.Add($typeName)
            if ($view.TableControl) {
                @{ File = $file.Name; Name = $view.Name; TypeName = $typeName; IsDefault = $isDefault; HasServer = [bool](($typeName -as [type]).GetProperty('Server')) }
            }
        }
    }
    # Rows of many servers (-Connection a,b or -Repository) carry their Server, and a default view must show it. Not
    # PgConnectionInfo: a connection's Server is its Host:Port/Database, which its view shows as columns.
    $script:serverViews = @($tableViews | Where-Object { $_.IsDefault -and $_.HasServer -and $_.TypeName -ne 'PgPerf.PgConnectionInfo' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $PSStyle.OutputRendering = 'PlainText'
    $script:db = New-TestDatabase 'pgperf_views'
    $script:cs = $db.ConnectionString
    $script:viewXml = @{}
    foreach ($file in Get-ChildItem (Join-Path (Split-Path $script:ModulePath) '*.Format.ps1xml')) {
        foreach ($view in ([xml](Get-Content $file -Raw)).Configuration.ViewDefinitions.View) { $script:viewXml[$view.Name] = $view }
    }

    # Long names and large numbers, the way a real database has them.
    $long = 'customer_order_line_items_archive_2024'
    $produced = [System.Collections.Generic.List[object]]::new()
    function Add-Rows([switch] $PassThru) { foreach ($o in $input) { if ($null -ne $o) { $produced.Add($o); if ($PassThru) { $o } } } }

    Install-PgPerfSchema -Connection $cs | Add-Rows
    Invoke-TestSql -Database $db.Name @"
CREATE TABLE $long (id bigint PRIMARY KEY, customer_reference_code text, amount int, note text);
INSERT INTO $long SELECT g, 'c' || g, g % 100, repeat('x', 200) FROM generate_series(1, 40000) g;
CREATE INDEX ${long}_customer_reference_idx ON $long (customer_reference_code);
CREATE INDEX ${long}_customer_ref_copy_idx ON $long (customer_reference_code);
CREATE INDEX ${long}_amount_note_idx ON $long (amount, note);
DELETE FROM $long WHERE id % 3 <> 0;
ANALYZE $long;
INSERT INTO pgperf.query_performance_logs (logged_at, query_text, query_hash, duration_ms, endpoint)
    SELECT now() - (g % 3000) * interval '1 second',
           'SELECT o.id, o.customer_reference_code, o.amount FROM $long o WHERE o.customer_reference_code = `$1 ORDER BY o.amount DESC',
           'a1b2c3d4e5f60718', 500 + g % 1500, '/api/v2/customers/{id}/order-line-items/archive'
      FROM generate_series(1, 108546) g;
"@ | Out-Null
    Invoke-TestSql -Database $db.Name "CREATE UNIQUE INDEX CONCURRENTLY ${long}_amount_unique_idx ON $long (amount)" -AllowError | Out-Null

    Invoke-PgIndexSnapshot -Connection $cs | Add-Rows
    Invoke-PgBloatSnapshot -Connection $cs -WarningAction SilentlyContinue | Add-Rows
    Get-PgTableBloat -Connection $cs | Add-Rows
    Get-PgUnusedIndex -Connection $cs -IgnoreStatsAge | Add-Rows
    Get-PgDuplicateIndex -Connection $cs | Add-Rows
    Get-PgInvalidIndex -Connection $cs | Add-Rows
    Get-PgIndexTrend -Connection $cs -Table $long | Add-Rows
    Get-PgSlowQuery -Connection $cs -Hours 24 | Select-Object -First 20 | Add-Rows
    foreach ($groupBy in 'None', 'Query', 'Endpoint') { Get-PgQueryStat -Connection $cs -Hours 24 -GroupBy $groupBy | Add-Rows }
    Send-PgQueryLog -Connection $cs -QueryText "SELECT * FROM $long WHERE id = 1" -DurationMs 123456.7 -Endpoint '/api/v2/customers/{id}/order-line-items' -PassThru | Add-Rows
    Invoke-PgHourlyMonitoring -Connection $cs -WarningAction SilentlyContinue | Add-Rows
    Get-PgPerfAlert -Connection $cs | Add-Rows
    # A central repository's registry (issue 17): this database prepared as one, a server with long names in it.
    Install-PgPerfSchema -Connection $cs -Repository | Out-Null
    Invoke-TestSql -Database $db.Name "INSERT INTO pgperf.monitored_servers (name, host, port, database, username) VALUES ('${long}_replica', 'db-replica-07.internal.example.com', 65432, '$long', 'perf_reader_role')" | Out-Null
    Get-PgPerfServer -Repository $cs | Add-Rows
    Invoke-PgPerfRetention -Connection $cs -Confirm:$false | Add-Rows
    Invoke-PgVacuum -Connection $cs -Table $long -Full -Analyze -Force -Confirm:$false -WarningAction SilentlyContinue | Add-Rows
    Remove-PgIndex -Connection $cs -Index "${long}_customer_ref_copy_idx" -Confirm:$false | Add-Rows
    # The server right now (issue 15), on real situations: a session holding a lock with another waiting behind it
    # (Get-PgActivity and Get-PgBlocking see them in the loop below; Stop-PgSession ends the holder afterwards), a
    # sequence near its column type's limit, and pg_stat_statements windows in which one statement got slower.
    Invoke-TestSql -Database $db.Name @"
CREATE TABLE ${long}_locks (id int PRIMARY KEY, amount int);
INSERT INTO ${long}_locks SELECT g, g FROM generate_series(1, 10) g;
CREATE TABLE ${long}_invoices (invoice_number serial PRIMARY KEY, total int);
SELECT setval(pg_get_serial_sequence('${long}_invoices', 'invoice_number'), 2000000000);
"@ | Out-Null
    # SHARE mode blocks the UPDATE but no reader, so the cmdlets below never wait for it.
    $script:sessions = @(Start-TestSession "BEGIN; LOCK TABLE ${long}_locks IN SHARE MODE;" $db.Name 'views_holder')
    $holderPid = Wait-TestBackend 'views_holder' "state = 'idle in transaction'" $db.Name
    $script:sessions += Start-TestSession "UPDATE ${long}_locks SET amount = amount + 1 WHERE id = 1;" $db.Name 'views_waiter'
    Wait-TestBackend 'views_waiter' "wait_event_type = 'Lock'" $db.Name | Out-Null
    Invoke-PgHealthCheck -Connection $cs -WarningAction SilentlyContinue | Add-Rows

    $baselineStart = (Invoke-PgStatementSnapshot -Connection $cs | Add-Rows -PassThru).CapturedAt
    Invoke-TestSql -Database $db.Name ((1..12 | ForEach-Object { "SELECT pg_sleep(0.001), '$long' AS compare_me" }) -join ";`n") | Out-Null
    $currentStart = (Invoke-PgStatementSnapshot -Connection $cs).CapturedAt
    Invoke-TestSql -Database $db.Name ((1..12 | ForEach-Object { "SELECT pg_sleep(0.02), '$long' AS compare_me" }) -join ";`n") | Out-Null
    $currentEnd = (Invoke-PgStatementSnapshot -Connection $cs).CapturedAt
    Compare-PgStatement -Connection $cs -BaselineStart $baselineStart -BaselineEnd $currentStart -Start $currentStart -End $currentEnd.AddSeconds(1) | Add-Rows
    Get-PgTopStatement -Connection $cs -Hours 1 | Select-Object -First 5 | Get-PgStatementTrend | Add-Rows

    # Replication rows need a real standby: a LOCAL primary of its own with a pg_basebackup -R standby (removed in
    # AfterAll), and an inactive slot. Where none can be made, the replication views are a visible skip with the reason.
    $script:unavailable = @{}
    $standbySkip = Get-PgPerfTestStandbySkipReason
    if ($standbySkip) {
        foreach ($type in 'PgReplicationStandby', 'PgReplicationSlot', 'PgReplicationReceiver') { $script:unavailable["PgPerf.$type"] = "no test standby here: $standbySkip" }
    } else {
        $script:primary = Start-PgPerfTestServer -Server Local
        $standby = Start-PgPerfTestStandby -Primary $primary -SlotName "${long}_standby"
        $env:PGPASSWORD = $primary.Password
        try { & psql -X -q -h 127.0.0.1 -p $primary.Port -U $primary.User -d postgres -c "SELECT pg_create_physical_replication_slot('${long}_left_behind', true)" | Out-Null }
        finally { Remove-Item Env:PGPASSWORD }
        $deadline = (Get-Date).AddSeconds(30)
        while (-not (Get-PgReplicationStatus -Connection $primary.ConnectionString -Kind Standby | Where-Object State -eq 'streaming') -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Get-PgReplicationStatus -Connection $primary.ConnectionString | Add-Rows
        Get-PgReplicationStatus -Connection $standby.ConnectionString | Add-Rows
    }

    # A scheduled task as registration renders it (registering would change the user's scheduler).
    $entry = [PgPerf.PgJobEntry]@{ Job = 'Hourly'; Scope = 'User'; PwshPath = '/opt/microsoft/powershell/7/pwsh'; ModulePath = $script:ModulePath; ConnectionString = $cs }
    $layout = [PgPerf.PgScheduleLayout]::new([PgPerf.PgSchedulerEnvironment]@{ UserName = [Environment]::UserName; XdgConfigHome = "/home/$long/.config" }, $null)
    foreach ($scheduler in 'Cron', 'Systemd') { $layout.Render($entry, $scheduler, $null) | Add-Rows }
    # Any other Get- cmdlet that needs nothing but a connection adds its rows too (cmdlets added later).
    foreach ($command in Get-Command -Module PgPerf -Verb Get) {
        # (mandatory in the parameter set -Connection is in: -Repository is mandatory only in a set of its own)
        $sets = '__AllParameterSets', $command.DefaultParameterSet
        $mandatory = $command.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.Mandatory -and $_.ParameterSetName -in $sets } }
        if ($command.Parameters.ContainsKey('Connection') -and -not $mandatory) {
            & $command -Connection $cs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Select-Object -First 50 | Add-Rows
        }
    }
    Stop-PgSession -Connection $cs -Pid $holderPid -Terminate -Confirm:$false | Add-Rows

    # Rows nested in others (job steps, retention tables, the connection) count as rows of their own type.
    $script:rows = @{}
    $queue = [System.Collections.Generic.Queue[object]]::new($produced)
    $seen = [System.Collections.Generic.HashSet[object]]::new()
    while ($queue.Count) {
        $o = $queue.Dequeue()
        if (-not $seen.Add($o)) { continue }
        $type = $o.GetType().FullName
        if (-not $script:rows[$type]) { $script:rows[$type] = [System.Collections.Generic.List[object]]::new() }
        $script:rows[$type].Add($o)
        foreach ($p in $o.GetType().GetProperties()) {
            if ($p.GetIndexParameters().Count) { continue }
            foreach ($v in @($p.GetValue($o))) {
                if ($null -ne $v -and $v.GetType().Namespace -eq 'PgPerf' -and -not $v.GetType().IsEnum) { $queue.Enqueue($v) }
            }
        }
    }

    # The rows in the runs a view's GroupBy prints as tables of their own (all of them in one run without GroupBy).
    function Split-ByGroup($rows, $view) {
        $runs = [System.Collections.Generic.List[object]]::new()
        $by = if ($view['GroupBy']) { $view['GroupBy']['PropertyName'].InnerText }
        $run = $null
        foreach ($row in $rows) {
            if ($null -eq $run -or ($by -and $run[0].$by -ne $row.$by)) { $run = [System.Collections.Generic.List[object]]::new(); $runs.Add($run) }
            $run.Add($row)
        }
        $runs
    }

    function Get-HeaderLabel($header, $item) {
        if ($header['Label']) { $header['Label'].InnerText } else { $item['PropertyName'].InnerText }
    }

    # The texts that are not found in the line, in this order, each after the one before; nothing when all are.
    function Find-InOrder([string] $line, [string[]] $texts) {
        $at = 0
        foreach ($text in $texts) {
            if (-not $text) { continue }
            $found = $line.IndexOf($text, $at, [StringComparison]::Ordinal)
            if ($found -lt 0) { "'$text'" } else { $at = $found + $text.Length }
        }
    }

    # The text a column item shows for a row, worked out without the table formatter.
    function Get-CellText($row, $item) {
        $value = if ($item['ScriptBlock']) {
            $out = @($row | ForEach-Object ([scriptblock]::Create($item['ScriptBlock'].InnerText)))
            if ($out.Length -eq 1) { $out[0] } elseif ($out.Length -gt 1) { , $out }
        } else { $row.($item['PropertyName'].InnerText) }
        if ($null -eq $value) { return '' }
        if ($value -is [string]) { return $value }
        if ($value -is [System.Collections.IEnumerable]) { throw "shows a collection ($($value.GetType().Name)); join it into one text in the view" }
        if ($value -is [System.IFormattable]) { return $value.ToString($null, [cultureinfo]::CurrentCulture) }
        "$value"
    }
}

AfterAll {
    Stop-TestSession $script:sessions
    if ($script:primary) { Stop-PgPerfTestServer $script:primary }
    Remove-TestDatabase $script:db
}


Describe 'Default table views' -Tag 'Integration', 'Views' {
    It '<Name> (<File>) fits 80 columns and cuts no cell' -ForEach $tableViews {
        if ($script:unavailable[$TypeName]) { Set-ItResult -Skipped -Because $script:unavailable[$TypeName]; return }
        $rows = @($script:rows[$TypeName])
        if (-not $rows) { throw "No rows of type $TypeName to render the view $Name ($File) with: make tests/pester/Views.Tests.ps1 produce some (BeforeAll)." }
        $view = $script:viewXml[$Name]
        $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
        $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
        $labels = for ($i = 0; $i -lt $items.Count; $i++) { Get-HeaderLabel $headers[$i] $items[$i] }

        # A view grouped by Server prints "Server: <name>" and the headers again before each server's rows: each run of
        # rows of one server is checked as the table it prints.
        foreach ($run in Split-ByGroup $rows $view) {
            $lines = @(($run | Format-Table -View $Name | Out-String -Width 80) -split "\r?\n" | Where-Object { $_.Trim() })
            $table = $lines -join "`n"
            @($lines | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty -Because "every line of $Name must fit 80 columns:`n$table"
            $top = 0
            if ($view['GroupBy']) {
                $lines[0].Trim() | Should -BeExactly "$($view.GroupBy.Label): $($run[0].($view.GroupBy.PropertyName))" -Because "$Name names the group first:`n$table"
                $top = 1
            }
            $lines.Count | Should -Be ($run.Count + $top + 2) -Because "each row of $Name is one line (nothing wraps):`n$table"
            Find-InOrder $lines[$top] $labels | Should -BeNullOrEmpty -Because "$Name must show all its columns ($($labels -join ', ')) in 80 columns:`n$table"
            for ($r = 0; $r -lt $run.Count; $r++) {
                $cells = @(for ($c = 0; $c -lt $items.Count; $c++) { try { (Get-CellText $run[$r] $items[$c]).Trim() } catch { "column $($labels[$c]) $_" } })
                # Every cell in full and in order; the formatter marks a cell it had to cut with "…", so no "…" but the view's own.
                $line = $lines[$top + 2 + $r]
                Find-InOrder $line $cells | Should -BeNullOrEmpty -Because "every column of $Name must show its whole value (row $r):`n$table"
                $ownEllipses = ($cells -join '').Split([char]0x2026).Count - 1
                ($line.Split([char]0x2026).Count - 1) | Should -Be $ownEllipses -Because "the table cut a cell of $Name (row $r):`n$table"
            }
        }
    }

    It '<Name> (<File>): every column header is a property or alias of <TypeName>' -ForEach $tableViews {
        if ($script:unavailable[$TypeName]) { Set-ItResult -Skipped -Because $script:unavailable[$TypeName]; return }
        $row = @($script:rows[$TypeName])[0]
        if ($null -eq $row) { throw "No rows of type $TypeName to check the headers of $Name ($File) with: make tests/pester/Views.Tests.ps1 produce some (BeforeAll)." }
        $view = $script:viewXml[$Name]
        $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
        $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
        if ($view['GroupBy']) {
            $view.GroupBy.Label | Should -BeExactly $view.GroupBy.PropertyName -Because "the group line of $Name names the property it groups by"
            $row.PSObject.Properties[$view.GroupBy.PropertyName] | Should -Not -BeNullOrEmpty -Because "$Name groups by a property of $TypeName"
        }
        for ($i = 0; $i -lt $items.Count; $i++) {
            $label = Get-HeaderLabel $headers[$i] $items[$i]
            $property = $row.PSObject.Properties[$label]
            $property | Should -Not -BeNullOrEmpty -Because "header '$label' of $Name must be a property of $TypeName, so Sort-Object $label and Format-Table $label work"
            $shows = $items[$i]['PropertyName']
            if ($shows -and $label -ne $shows.InnerText) {
                # A header that names another property than the column shows would sort by the wrong thing.
                $property.ReferencedMemberName | Should -Be $shows.InnerText -Because "header '$label' of $Name shows $($shows.InnerText)"
            }
        }
    }

    It 'Sort-Object and Format-Table take the headers: P95Ms sorts by P95DurationMs' {
        $stats = @($script:rows['PgPerf.PgQueryStat'])
        $stats.Count | Should -BeGreaterThan 1
        ($stats | Sort-Object P95Ms).P95DurationMs | Should -Be ($stats | Sort-Object P95DurationMs).P95DurationMs
        ($stats | Format-Table P95Ms | Out-String) | Should -Match '\d'
    }

    It 'shows 108,546 slow queries in full, never as …8,546' {
        $overall = $script:rows['PgPerf.PgQueryStat'] | Where-Object GroupBy -eq 'None' | Select-Object -First 1
        $overall.SlowQueries | Should -BeGreaterOrEqual 108546
        ($overall | Out-String -Width 80) | Should -Match ([regex]::Escape([PgPerf.PgDisplay]::Count($overall.SlowQueries)))
    }

    It 'every time in a view has the one format (yyyy-MM-dd HH:mmZ)' {
        foreach ($file in Get-ChildItem (Join-Path (Split-Path $script:ModulePath) '*.Format.ps1xml')) {
            $text = Get-Content $file -Raw
            # Times are shown only through PgDisplay: no ToString('...') of a date and no raw date property.
            $text | Should -Not -Match "\.ToString\('[^']*(HH|dd)" -Because "$($file.Name) formats a time itself"
            $text | Should -Not -Match "\{\d:[^}]*(HH|dd)" -Because "$($file.Name) formats a time itself"
        }
        foreach ($type in $script:rows.Keys) {
            $row = $script:rows[$type][0]
            $dateProperties = @($row.GetType().GetProperties() | Where-Object { $_.PropertyType -in [DateTimeOffset], [Nullable[DateTimeOffset]], [DateTime], [Nullable[DateTime]] } | ForEach-Object Name)
            foreach ($view in $script:viewXml.Values | Where-Object { $_.ViewSelectedBy.TypeName -eq $type }) {
                $shown = @($view.SelectNodes('.//PropertyName') | ForEach-Object InnerText)
                @($shown | Where-Object { $_ -in $dateProperties }) | Should -BeNullOrEmpty -Because "$($view.Name) shows a time without PgDisplay::Time"
            }
        }
        $t = [DateTimeOffset]::new(2026, 1, 2, 3, 4, 5, [TimeSpan]::FromHours(2))
        [PgPerf.PgDisplay]::Time($t) | Should -BeExactly '2026-01-02 01:04Z'
    }
}

Describe 'Default table views of many servers' -Tag 'Integration', 'Views' {
    BeforeAll {
        # Two servers as -Connection a,b names them (host:port/database): they differ only in the host.
        $script:twoServers = 'db1.example.com:5432/app', 'db2.example.com:5432/app'
        $instance = [System.Reflection.BindingFlags]'Instance, NonPublic'
        function Copy-Row($row, [string] $server) {
            $copy = $row.GetType().GetMethod('MemberwiseClone', $instance).Invoke($row, $null)
            $copy.GetType().GetProperty('Server').SetValue($copy, $server)
            $copy
        }
    }

    It 'finds views of rows with a Server to check' {
        $serverViews.Count | Should -BeGreaterThan 20
    }

    It '<Name> (<File>) shows Server, as its group line or a column' -ForEach $serverViews {
        $view = $script:viewXml[$Name]
        $grouped = $view['GroupBy'] -and $view.GroupBy.PropertyName -eq 'Server'
        $column = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem | Where-Object { $_.OuterXml -match '\$_\.Server\b|>Server<' })
        ($grouped -or $column) | Should -BeTrue -Because "rows of $TypeName from several servers must be told apart on screen (GroupBy Server, or a Server column)"
    }

    It '<Name> (<File>): rows of two servers show each server''s name, in 80 columns' -ForEach $serverViews {
        if ($script:unavailable[$TypeName]) { Set-ItResult -Skipped -Because $script:unavailable[$TypeName]; return }
        $real = @($script:rows[$TypeName] | Select-Object -First 2)
        if (-not $real) { throw "No rows of type $TypeName (see BeforeAll)." }
        # Each server's rows together, as the fan-out writes them.
        $rows = foreach ($server in $twoServers) { foreach ($row in $real) { Copy-Row $row $server } }
        $lines = @(($rows | Out-String -Width 80) -split "\r?\n")
        $screen = $lines -join "`n"
        @($lines | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty -Because "every line of $Name must fit 80 columns:`n$screen"
        foreach ($server in $twoServers) {
            $screen | Should -Match ([regex]::Escape($server)) -Because "the rows of $server must say so on screen:`n$screen"
        }
    }

    It 'rows of two servers from one call come out grouped, each server named once above its rows' {
        $second = New-TestDatabase 'pgperf_views_two'
        try {
            $rows = @(Get-PgWraparoundRisk -Connection $script:cs, $second.ConnectionString -ThrottleLimit 2)
            $servers = @($rows.Server | Select-Object -Unique)
            $servers.Count | Should -Be 2
            $lines = @(($rows | Out-String -Width 80) -split "\r?\n" | Where-Object { $_.Trim() })
            $screen = $lines -join "`n"
            $groupLines = @(for ($i = 0; $i -lt $lines.Count; $i++) { if ($lines[$i] -match '^\s+Server: (.+)$') { $i } })
            $groupLines.Count | Should -Be 2 -Because "each server is named once:`n$screen"
            foreach ($g in 0, 1) {
                $name = ($lines[$groupLines[$g]] -replace '^\s+Server: ').Trim()
                $end = if ($g -eq 0) { $groupLines[1] } else { $lines.Count }
                # The group line, the headers, then that server's rows and no others.
                ($end - $groupLines[$g] - 3) | Should -Be @($rows | Where-Object Server -eq $name).Count -Because "$name's rows stand under its name:`n$screen"
            }
            ($servers | Sort-Object) | Should -Be (@($lines[$groupLines[0]], $lines[$groupLines[1]]) -replace '^\s+Server: ' | Sort-Object)
        }
        finally { Remove-TestDatabase $second }
    }
}

Describe 'Serialized output' -Tag 'Integration', 'Views' {
    BeforeAll {
        # A few rows of every output type, whatever produced them.
        $script:samples = foreach ($type in $script:rows.Keys | Sort-Object) { $script:rows[$type] | Select-Object -First 3 }
    }

    It 'has rows of every type to check' {
        @($script:samples).Count | Should -BeGreaterThan 10
    }

    It 'ConvertTo-Json writes Status-like values (every enum) as their names' {
        foreach ($row in $script:samples) {
            $json = $row | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | ConvertFrom-Json
            foreach ($p in $row.GetType().GetProperties() | Where-Object { $_.PropertyType.IsEnum -and $_.GetMethod.IsPublic }) {
                $json.($p.Name) | Should -BeOfType [string] -Because "$($row.GetType().Name).$($p.Name) must be text in JSON, not a number (make the enum Int64-based: enum $($p.PropertyType.Name) : long)"
                $json.($p.Name) | Should -BeExactly $p.GetValue($row).ToString()
            }
        }
    }

    It 'ConvertTo-Json carries the server as one short text, not the Connection object' {
        $records = @($script:samples | Where-Object { $_ -is [PgPerf.PgServerRecord] })
        $records.Count | Should -BeGreaterThan 5
        foreach ($row in $records) {
            $row.Connection | Should -BeOfType [PgPerf.PgConnectionInfo] -Because 'piping into the next cmdlet binds -Connection from it'
            $json = $row | ConvertTo-Json -Depth 2 -WarningAction SilentlyContinue | ConvertFrom-Json
            $json.PSObject.Properties.Name | Should -Not -Contain 'Connection' -Because "$($row.GetType().Name) must not embed the connection"
            $json.Server | Should -BeExactly $row.Connection.Server
        }
    }

    It 'Export-Csv writes lists readably, never as a .NET type name' {
        $lists = 0
        foreach ($row in $script:samples) {
            $exported = $row | ConvertTo-Csv | ConvertFrom-Csv
            foreach ($p in $row.GetType().GetProperties() | Where-Object { $_.GetMethod.IsPublic -and -not $_.GetIndexParameters() }) {
                $value = $p.GetValue($row)
                if ($value -isnot [System.Collections.IEnumerable] -or $value -is [string] -or $value -is [System.Collections.IDictionary]) { continue }
                $lists++
                $exported.($p.Name) | Should -Not -MatchExactly '(^|, )(System|PgPerf)\.\w' -Because "$($row.GetType().Name).$($p.Name) must export its items, not a type name"
            }
        }
        $lists | Should -BeGreaterThan 5 -Because 'the rows have lists (Flags, Steps, Tables, Pending, ...)'
        $bloat = @($script:rows['PgPerf.PgTableBloat'] | Where-Object { $_.Flags.Count -ge 1 })[0]
        $bloat | Should -Not -BeNullOrEmpty -Because 'a table with flags shows how a list exports'
        ($bloat | ConvertTo-Csv | ConvertFrom-Csv).Flags | Should -BeExactly ($bloat.Flags -join ', ')
    }
}
