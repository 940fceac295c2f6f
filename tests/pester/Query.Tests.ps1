# Query performance: the spec's own usage and testing examples translated to PowerShell, binding, bad input,
# Measure-PgQuery's streaming and error behaviour, and the spool (exactly once across a server outage).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force

    function New-SpoolFolder { Join-Path ([System.IO.Path]::GetTempPath()) ('pgperf-spool-' + [guid]::NewGuid().ToString('N').Substring(0, 10)) }
    function Get-LogCount([string] $Where = 'true') { [int](Invoke-TestSql -Database $script:db.Name "SELECT count(*) FROM pgperf.query_performance_logs WHERE $Where") }
}

Describe 'Spec examples: query performance service' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        Connect-PgServer -ConnectionString $db.ConnectionString
        $script:spool = New-SpoolFolder
        $script:savedSpoolDir = $env:PGPERF_SPOOL_DIR
        $env:PGPERF_SPOOL_DIR = $script:spool
    }
    AfterAll {
        # Back to the run's own spool folder (build.ps1 sets it), never to the user's.
        $env:PGPERF_SPOOL_DIR = $script:savedSpoolDir
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'logQuery({...}) then getSlowQueries(24, 500) and getQueryStats(start, end)' {
        $userId = [guid]::NewGuid().ToString()
        # await queryPerformanceService.logQuery({ query_text: 'conversations.list', duration_ms: 750, ... })
        [pscustomobject]@{
            query_text  = 'conversations.list'
            duration_ms = 750
            endpoint    = '/api/conversations'
            user_id     = $userId
            parameters  = @{ status = 'pending_review' }
        } | Send-PgQueryLog

        $slowQueries = Get-PgSlowQuery -Hours 24 -MinDurationMs 500
        $found = @($slowQueries | Where-Object QueryText -eq 'conversations.list')
        $found.Count | Should -Be 1
        $found[0].DurationMs | Should -Be 750
        $found[0].Endpoint | Should -Be '/api/conversations'
        $found[0].UserId | Should -Be $userId
        ($found[0].Parameters | ConvertFrom-Json).status | Should -Be 'pending_review'
        $found[0].QueryHash | Should -Match '^[0-9a-f]{16}$'
        $found[0].GetType().FullName | Should -Be 'PgPerf.PgSlowQuery'

        $stats = Get-PgQueryStat -Start (Get-Date).AddDays(-1) -End (Get-Date).AddMinutes(1)
        $stats.GetType().FullName | Should -Be 'PgPerf.PgQueryStat'
        $stats.TotalQueries | Should -Be 1
        $stats.P95DurationMs | Should -Be 750
        $stats.Status | Should -Be 'Critical'
    }

    It 'the testing example: the 750 ms query is found as slow within the last hour' {
        Send-PgQueryLog -QueryText 'SELECT * FROM conversations WHERE status = ?' -DurationMs 750 -Endpoint '/api/conversations' -UserId 'test-user-id'
        # const slowQueries = await queryPerformanceService.getSlowQueries(1);
        $slowQueries = Get-PgSlowQuery -Hours 1
        $hit = @($slowQueries | Where-Object UserId -eq 'test-user-id')
        $hit.Count | Should -Be 1
        $hit[0].QueryText | Should -Be 'SELECT * FROM conversations WHERE status = ?'
        $hit[0].DurationMs | Should -Be 750
        $hit[0].LoggedAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddHours(-1))
        # The same rows as the SQL function.
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.get_slow_queries(1, 500) WHERE user_id = 'test-user-id'" | Should -Be '1'
    }

    It 'P95 matches percentile_cont(0.95) over the same rows, and the status follows the thresholds' {
        $rng = [System.Random]::new(11)
        $rows = 1..400 | ForEach-Object { [pscustomobject]@{ QueryText = "SELECT * FROM items WHERE id = $_"; DurationMs = [math]::Round($rng.NextDouble() * 180, 3); Endpoint = '/api/items' } }
        $rows | Send-PgQueryLog
        $stat = Get-PgQueryStat -Hours 1 -Endpoint '/api/items'
        $stat.TotalQueries | Should -Be 400
        $sqlP95 = [double](Invoke-TestSql -Database $db.Name "SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM pgperf.query_performance_logs WHERE endpoint = '/api/items'")
        [math]::Abs($stat.P95DurationMs - $sqlP95) | Should -BeLessThan 1e-9
        $stat.AvgDurationMs | Should -BeLessThan 100
        $stat.Status | Should -Be 'Good'

        $byQuery = Get-PgQueryStat -Hours 1 -GroupBy Query -Endpoint '/api/items'
        @($byQuery).Count | Should -Be 1          # 400 literals, one statement
        $byQuery.QueryHash | Should -Be ($rows[0] | Send-PgQueryLog -PassThru -Connection $db.ConnectionString -LoggedAt '2000-01-01').QueryHash
    }
}

Describe 'Send-PgQueryLog binding and parameters' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
        $script:spool = New-SpoolFolder
    }
    AfterAll {
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'Import-Csv | Send-PgQueryLog binds snake_case columns, flags and times' {
        $csv = Join-Path $TestDrive 'timings.csv'
        @'
query_text,duration_ms,endpoint,user_id,parameters,logged_at,is_error
conversations.list,12.5,/api/conversations,u1,"{""status"":""approved""}",2025-10-30T10:30:00Z,false
conversations.get,800,/api/conversations/1,u2,,2025-10-30T10:31:00Z,true
'@ | Set-Content $csv
        Import-Csv $csv | Send-PgQueryLog -Connection $cs -SpoolPath $spool
        Invoke-TestSql -Database $db.Name "SELECT query_text, duration_ms, endpoint, user_id, parameters->>'status', to_char(logged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), is_error FROM pgperf.query_performance_logs ORDER BY logged_at" |
            Should -Be @('conversations.list|12.5|/api/conversations|u1|approved|2025-10-30 10:30|f', 'conversations.get|800|/api/conversations/1|u2||2025-10-30 10:31|t')
    }

    It 'takes -Parameters as a hashtable, a PSObject or a JSON string; Redact keeps keys and types; Drop stores nothing' {
        Send-PgQueryLog -Connection $cs -QueryText 'p.hash' -DurationMs 1 -Parameters @{ statuses = @('approved'); n = 2 }
        Send-PgQueryLog -Connection $cs -QueryText 'p.obj' -DurationMs 1 -Parameters ([pscustomobject]@{ status = 'pending'; ok = $true })
        Send-PgQueryLog -Connection $cs -QueryText 'p.json' -DurationMs 1 -Parameters '{"a": [1, 2], "b": null}'
        Send-PgQueryLog -Connection $cs -QueryText 'p.redact' -DurationMs 1 -Parameters @{ secret = 'hunter2'; n = 5; ok = $true } -ParameterMode Redact
        Send-PgQueryLog -Connection $cs -QueryText 'p.drop' -DurationMs 1 -Parameters @{ secret = 'hunter2' } -ParameterMode Drop
        $p = @{}
        Invoke-TestSql -Database $db.Name "SELECT query_text, coalesce(parameters::text, 'NULL') FROM pgperf.query_performance_logs WHERE query_text LIKE 'p.%'" |
            ForEach-Object { $k, $v = $_ -split '\|', 2; $p[$k] = $v }
        $p['p.hash'] | Should -Be '{"n": 2, "statuses": ["approved"]}'
        $p['p.obj'] | Should -Be '{"ok": true, "status": "pending"}'
        $p['p.json'] | Should -Be '{"a": [1, 2], "b": null}'
        $p['p.redact'] | Should -Be '{"n": 0, "ok": false, "secret": "***"}'
        $p['p.drop'] | Should -Be 'NULL'
    }

    It 'returns typed entries with -PassThru and a hash that groups literals' {
        $a = Send-PgQueryLog -Connection $cs -QueryText 'SELECT * FROM t WHERE id IN (1,2,3)' -DurationMs 3 -PassThru
        $b = Send-PgQueryLog -Connection $cs -QueryText 'select * from t where id in (4)' -DurationMs 4 -PassThru
        $a.GetType().FullName | Should -Be 'PgPerf.PgQueryLogEntry'
        $a.Delivery | Should -Be 'Written'
        $a.QueryHash | Should -Be $b.QueryHash
        ($a | ConvertTo-Json | ConvertFrom-Json).QueryHash | Should -Be $a.QueryHash
    }

    It 'opens one slow_query alert per query hash, counting occurrences' {
        1..5 | ForEach-Object { [pscustomobject]@{ QueryText = "SELECT * FROM slow_table WHERE k = $_"; DurationMs = 600 + $_ } } | Send-PgQueryLog -Connection $cs -BatchSize 2
        Send-PgQueryLog -Connection $cs -QueryText 'SELECT * FROM slow_table WHERE k = 99' -DurationMs 100   # under the threshold
        Invoke-TestSql -Database $db.Name "SELECT count(*), sum(occurrences) FROM pgperf.performance_alerts WHERE alert_type = 'slow_query' AND message LIKE '%slow_table%'" | Should -Be '1|5'
    }

    It 'Get-PgSlowQuery returns the 100 slowest by default and says when more match; -All and -Top 0 return every one' {
        1..150 | ForEach-Object { [pscustomobject]@{ QueryText = 'top.default'; DurationMs = 500 + $_; Endpoint = '/top-default' } } |
            Send-PgQueryLog -Connection $cs -AlertThresholdMs 0
        $default = @(Get-PgSlowQuery -Connection $cs -Endpoint '/top-default' -WarningVariable w -WarningAction SilentlyContinue)
        $default.Count | Should -Be 100
        $default[0].DurationMs | Should -Be 650
        $default[-1].DurationMs | Should -Be 551
        $w.Count | Should -Be 1
        "$w" | Should -Match 'Showing the 100 slowest executions; more match\. Use -Top N for another number, or -All \(or -Top 0\) for every one\.'
        @(Get-PgSlowQuery -Connection $cs -Endpoint '/top-default' -All).Count | Should -Be 150
        @(Get-PgSlowQuery -Connection $cs -Endpoint '/top-default' -Top 0).Count | Should -Be 150
        @(Get-PgSlowQuery -Connection $cs -Endpoint '/top-default' -Top 5 -WarningVariable w5).Count | Should -Be 5
        $w5.Count | Should -Be 0
        { Get-PgSlowQuery -Connection $cs -Top 5 -All } | Should -Throw -ErrorId 'AmbiguousParameterSet,PgPerf.Commands.GetPgSlowQueryCommand'
    }
}

Describe 'Send-PgQueryLog bad input' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
        $script:spool = New-SpoolFolder
    }
    AfterAll {
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'rejects duration <_> with PgPerf.Query.InvalidDuration and writes nothing' -ForEach @(-1, [double]::NaN, [double]::PositiveInfinity, [double]::NegativeInfinity) {
        $before = Get-LogCount
        Send-PgQueryLog -Connection $cs -QueryText 'bad.duration' -DurationMs $_ -SpoolPath $spool -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidDuration,*'
        Get-LogCount | Should -Be $before
    }

    It 'rejects empty query text with PgPerf.Query.EmptyQueryText' {
        Send-PgQueryLog -Connection $cs -QueryText '' -DurationMs 1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.EmptyQueryText,*'
        Get-LogCount "query_text = ''" | Should -Be 0
    }

    It 'strips NUL characters with a warning and keeps the rest of the batch' {
        @([pscustomobject]@{ QueryText = "SELECT 'a`0b'"; DurationMs = 1 }, [pscustomobject]@{ QueryText = 'nul.neighbour'; DurationMs = 2 }) |
            Send-PgQueryLog -Connection $cs -WarningVariable w -WarningAction SilentlyContinue
        ($w -join ' ') | Should -Match 'Record 1: QueryText contained NUL'
        Get-LogCount "query_text = 'SELECT ''ab''' OR query_text = 'nul.neighbour'" | Should -Be 2
    }

    It 'stores a 1 MB query text cut to the documented limit with QueryTruncated' {
        $big = 'SELECT ''' + ('x' * 1MB) + ''''
        $entry = Send-PgQueryLog -Connection $cs -QueryText $big -DurationMs 1 -PassThru
        $entry.QueryTruncated | Should -BeTrue
        Invoke-TestSql -Database $db.Name "SELECT length(query_text), query_truncated FROM pgperf.query_performance_logs WHERE query_truncated" | Should -Be '65536|t'
    }

    It 'rejects parameters that cannot be turned into JSON: <Name>' -ForEach @(
        @{ Name = 'self reference'; Make = { $h = @{ a = 1 }; $h.self = $h; $h } }
        @{ Name = 'NaN'; Make = { @{ x = [double]::NaN } } }
        @{ Name = 'script block'; Make = { @{ x = { 'code' } } } }
        @{ Name = 'invalid JSON text'; Make = { '{status: pending' } }
    ) {
        $value = & $Make
        Send-PgQueryLog -Connection $cs -QueryText 'bad.params' -DurationMs 1 -Parameters $value -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidParameters,*'
        Get-LogCount "query_text = 'bad.params'" | Should -Be 0
    }

    It 'writes the 99,997 good rows of 100,000 and reports the 3 bad ones with their position' {
        $bad = @{ 10 = -5; 50000 = [double]::NaN; 99999 = '' }
        $records = foreach ($i in 1..100000) {
            if ($i -eq 99999) { [pscustomobject]@{ query_text = ''; duration_ms = 1 } }
            elseif ($bad.ContainsKey($i)) { [pscustomobject]@{ query_text = 'bulk.q'; duration_ms = $bad[$i] } }
            else { [pscustomobject]@{ query_text = 'bulk.q'; duration_ms = $i % 1000 } }
        }
        $records | Send-PgQueryLog -Connection $cs -BatchSize 5000 -ErrorVariable e -ErrorAction SilentlyContinue
        Get-LogCount "query_text = 'bulk.q'" | Should -Be 99997
        $e.Count | Should -Be 3
        $e[0].Exception.Message | Should -Match '^Record 10:'
        $e[1].Exception.Message | Should -Match '^Record 50000:'
        $e[2].Exception.Message | Should -Match '^Record 99999:'
        $e[2].FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.EmptyQueryText,*'
        $e[0].TargetObject | Should -Be 10
    }
}

Describe 'Report cmdlets bad input' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
    }
    AfterAll { Remove-TestDatabase $script:db }

    It '<Command> -Hours <Hours> fails parameter validation' -ForEach @(
        @{ Command = 'Get-PgSlowQuery'; Hours = 0 }, @{ Command = 'Get-PgSlowQuery'; Hours = -3 },
        @{ Command = 'Get-PgQueryStat'; Hours = 0 }, @{ Command = 'Get-PgQueryStat'; Hours = -1 }
    ) {
        $err = { & $Command -Connection $cs -Hours $Hours } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'Get-PgQueryStat -Start after -End fails with PgPerf.Query.InvalidTimeRange' {
        $err = { Get-PgQueryStat -Connection $cs -Start (Get-Date) -End (Get-Date).AddHours(-1) } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidTimeRange,*'
    }

    It 'Get-PgQueryStat over an empty window says NoData' {
        $s = Get-PgQueryStat -Connection $cs -Hours 1
        $s.TotalQueries | Should -Be 0
        $s.Status | Should -Be 'NoData'
    }
}

Describe 'Measure-PgQuery' -Tag 'Integration' {
    BeforeAll {
        function script:Wait-TestSql([string] $Sql, [string] $Expected) {
            $deadline = (Get-Date).AddSeconds(15)
            do {
                $value = Invoke-TestSql -Database $db.Name $Sql
                if ("$value" -eq $Expected) { return $value }
                Start-Sleep -Milliseconds 100
            } while ((Get-Date) -lt $deadline)
            $value
        }
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
    }
    AfterAll { Remove-TestDatabase $script:db }

    It 'streams several objects unchanged, in order, while the block runs' {
        $script:done = $false
        $seen = [System.Collections.Generic.List[object]]::new()
        $out = Measure-PgQuery -Connection $cs -Name 'measure.stream' -Endpoint '/m' -Parameters @{ statuses = @('approved') } {
            1
            'two'
            @{ three = 3 }
            [pscustomobject]@{ Four = 4 }
            Start-Sleep -Milliseconds 200
            $script:done = $true
        } | ForEach-Object { $seen.Add($script:done); $_ }
        $out.Count | Should -Be 4
        $out[0] | Should -BeOfType [int]
        $out[1] | Should -BeExactly 'two'
        $out[2] | Should -BeOfType [hashtable]
        $out[2].three | Should -Be 3
        $out[3].Four | Should -Be 4
        $seen | Should -Not -Contain $true   # every object arrived before the block finished
        Invoke-TestSql -Database $db.Name "SELECT endpoint, is_error, duration_ms >= 200, parameters->'statuses'->>0 FROM pgperf.query_performance_logs WHERE query_text = 'measure.stream'" | Should -Be '/m|f|t|approved'
    }

    It 'queues later calls for the background writer, and flushes them when the module is removed or the process exits' {
        $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
Measure-PgQuery -Connection '$cs' -Name 'measure.first' { 1 } | Out-Null
1..50 | ForEach-Object { Measure-PgQuery -Connection '$cs' -Name 'measure.queued' { 1 } | Out-Null }
Remove-Module PgPerf
'removed'
"@
        $out.Output | Should -Contain 'removed'
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'measure.queued'" | Should -Be '50'

        $out = Invoke-FreshPwsh @"
Import-Module '$script:ModulePath'
Measure-PgQuery -Connection '$cs' -Name 'measure.first' { 1 } | Out-Null
1..30 | ForEach-Object { Measure-PgQuery -Connection '$cs' -Name 'measure.atexit' { 1 } | Out-Null }
exit 0
"@
        Invoke-TestSql -Database $db.Name "SELECT count(*) FROM pgperf.query_performance_logs WHERE query_text = 'measure.atexit'" | Should -Be '30'
    }

    It 'runs in the caller''s scope' {
        $x = 1
        Measure-PgQuery -Connection $cs -Name 'measure.scope' { $x = 2 }
        $x | Should -Be 2
    }

    It 'logs a throwing block with IsError and rethrows the original error' {
        $err = { Measure-PgQuery -Connection $cs -Name 'measure.fail' { 'partial'; throw [System.IO.FileNotFoundException]::new('no such file') } } | Should -Throw -PassThru
        $err.Exception | Should -BeOfType [System.IO.FileNotFoundException]
        $err.Exception.Message | Should -Be 'no such file'
        # Not the first call for this target: the record went to the background writer; give it its 200 ms.
        Wait-TestSql "SELECT is_error FROM pgperf.query_performance_logs WHERE query_text = 'measure.fail'" 't' | Should -Be 't'

        $err2 = { Measure-PgQuery -Connection $cs -Name 'measure.fail2' { Get-Item /no/such/path -ErrorAction Stop } } | Should -Throw -PassThru
        $err2.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }

    It 'only warns when logging fails' {
        $spool = New-SpoolFolder
        try {
            $out = Measure-PgQuery -Connection 'Host=127.0.0.1;Port=1;Username=nobody;Database=none;Timeout=2' -SpoolPath $spool -Name 'measure.nolog' { 'result' } -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e
            $out | Should -Be 'result'
            $e | Should -BeNullOrEmpty
            ($w -join ' ') | Should -Match 'spool'
        } finally { Remove-Item -Recurse -Force $spool -ErrorAction SilentlyContinue }
    }

    It 'stops before running the block when -Parameters cannot be turned into JSON' {
        $script:ran = $false
        $err = { Measure-PgQuery -Connection $cs -Name 'measure.badparams' -Parameters @{ x = [double]::NaN } { $script:ran = $true } } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'PgPerf.Query.InvalidParameters,*'
        $script:ran | Should -BeFalse
    }
}

Describe 'Spool: the server stops in the middle of a stream' -Tag 'Integration' {
    BeforeAll {
        $script:db = New-TestDatabase
        Install-PgPerfSchema -Connection $db.ConnectionString | Out-Null
        $script:cs = $db.ConnectionString
        $script:spool = New-SpoolFolder
    }
    AfterAll {
        # Bring the server back if a failed test left it stopped.
        try { Invoke-TestSql 'SELECT 1' | Out-Null } catch { Resume-PgPerfTestServer }
        Remove-Item -Recurse -Force $script:spool -ErrorAction SilentlyContinue
        Remove-TestDatabase $script:db
    }

    It 'every record arrives exactly once' {
        $entries = 1..300 | ForEach-Object {
            if ($_ -eq 101) { Suspend-PgPerfTestServer }
            if ($_ -eq 201) { Resume-PgPerfTestServer }
            [pscustomobject]@{ query_text = 'stream.q'; duration_ms = $_; endpoint = '/stream' }
        } | Send-PgQueryLog -Connection $cs -BatchSize 25 -SpoolPath $spool -PassThru -WarningVariable w -WarningAction SilentlyContinue

        $entries.Count | Should -Be 300
        @($entries | Where-Object Delivery -eq 'Spooled').Count | Should -BeGreaterOrEqual 100
        ($w -join ' ') | Should -Match 'spool'
        Invoke-TestSql -Database $db.Name "SELECT count(*), count(DISTINCT duration_ms), count(DISTINCT record_id), min(duration_ms), max(duration_ms) FROM pgperf.query_performance_logs WHERE query_text = 'stream.q'" |
            Should -Be '300|300|300|1|300'
        @(Get-ChildItem $spool -Filter '*.jsonl').Count | Should -Be 0
    }

    It 'records spooled by one call are sent by the next call' {
        Suspend-PgPerfTestServer
        try {
            Send-PgQueryLog -Connection $cs -QueryText 'later.q' -DurationMs 5 -SpoolPath $spool -WarningAction SilentlyContinue
        } finally { Resume-PgPerfTestServer }
        @(Get-ChildItem $spool -Filter '*.jsonl').Count | Should -Be 1
        Send-PgQueryLog -Connection $cs -QueryText 'trigger.q' -DurationMs 6 -SpoolPath $spool -WarningAction SilentlyContinue
        Send-PgQueryLog -Connection $cs -QueryText 'trigger.q' -DurationMs 7 -SpoolPath $spool -WarningAction SilentlyContinue
        Invoke-TestSql -Database $db.Name "SELECT count(*) FILTER (WHERE query_text = 'later.q'), count(*) FILTER (WHERE query_text = 'trigger.q') FROM pgperf.query_performance_logs" | Should -Be '1|2'
        @(Get-ChildItem $spool -Filter '*.jsonl').Count | Should -Be 0
    }
}
