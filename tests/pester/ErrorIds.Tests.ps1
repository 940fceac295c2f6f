# Issue 19 item 5: every error id is one constant in PgPerfErrorIds, documented in docs/errors.md, and used by name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $script:ModulePath -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:RegistryFile = Join-Path $Root 'src/PgPerf.Core/PgPerfErrorIds.cs'

    # The registry: public constants of PgPerfErrorIds and of its nested area classes, by reflection.
    $registry = [PgPerf.PgPerfErrorIds]
    $flags = [System.Reflection.BindingFlags]'Public, Static'
    $script:Registered = @(
        foreach ($type in @($registry) + $registry.GetNestedTypes($flags)) {
            foreach ($field in $type.GetFields($flags) | Where-Object IsLiteral) {
                [pscustomobject]@{ Area = if ($type -eq $registry) { $null } else { $type.Name }; Name = $field.Name; Id = $field.GetRawConstantValue() }
            }
        })

    # The docs: one table row per id, | `PgPerf.X.Y` | meaning | what to do |.
    $script:Documented = @(
        foreach ($line in Get-Content (Join-Path $Root 'docs/errors.md')) {
            if ($line -match '^\|\s*`(PgPerf\.[^`]+)`\s*\|(.*)$') {
                $cells = $Matches[2].Trim().TrimEnd('|') -split '\|'
                [pscustomobject]@{ Id = $Matches[1]; Meaning = "$($cells[0])".Trim(); Action = "$($cells[1])".Trim() }
            }
        })

    # An error-id literal in C#: "PgPerf.Area.What" or "PgPerf.What" (a prefix such as "PgPerf.Connection." too).
    # Assembly names have the same shape: they are the project folders under src/ and tests/.
    $script:Projects = @(Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory).Name
    function script:Find-ErrorIdLiteral([string] $Folder) {
        foreach ($file in Get-ChildItem $Folder -Recurse -Filter *.cs | Where-Object { $_.FullName -ne $RegistryFile -and $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) {
            $n = 0
            foreach ($line in [System.IO.File]::ReadLines($file.FullName)) {
                $n++
                foreach ($m in [regex]::Matches($line, '"(PgPerf\.[A-Z][A-Za-z]*(?:\.[A-Za-z]*)*)"')) {
                    if ($m.Groups[1].Value -notin $Projects) { "$([System.IO.Path]::GetRelativePath($Root, $file.FullName)):${n}: $($m.Groups[1].Value)" }
                }
            }
        }
    }
}

Describe 'Error ids' -Tag 'Unit', 'ErrorIds' {
    It 'has one constant per id, named after it (PgPerfErrorIds.Area.What holds PgPerf.Area.What)' {
        $Registered.Count | Should -BeGreaterThan 50
        foreach ($entry in $Registered) {
            $expected = if ($entry.Area) { "PgPerf.$($entry.Area).$($entry.Name)" } else { "PgPerf.$($entry.Name)" }
            $entry.Id | Should -BeExactly $expected
        }
        $Registered.Id | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name | Should -BeNullOrEmpty
    }

    It 'documents every registered id in docs/errors.md, and only those' {
        $Documented.Id | Group-Object | Where-Object Count -gt 1 | ForEach-Object Name | Should -BeNullOrEmpty -Because 'each id has one row'
        $Registered.Id | Where-Object { $_ -notin $Documented.Id } | Should -BeNullOrEmpty -Because 'every id in PgPerfErrorIds needs a row in docs/errors.md'
        $Documented.Id | Where-Object { $_ -notin $Registered.Id } | Should -BeNullOrEmpty -Because 'docs/errors.md lists only ids PgPerfErrorIds has'
    }

    It 'says for every id what it means and what to do' {
        foreach ($row in $Documented) {
            $row.Meaning.Length | Should -BeGreaterThan 10 -Because "$($row.Id) needs its meaning"
            $row.Action.Length | Should -BeGreaterThan 10 -Because "$($row.Id) needs what to do"
        }
    }

    It 'writes no error id as a string literal outside the registry (src/)' {
        Find-ErrorIdLiteral (Join-Path $Root 'src') | Should -BeNullOrEmpty -Because 'use the PgPerfErrorIds constant'
    }

    It 'finds such a literal when there is one (the check above can fail)' {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) "pgperf-ids-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory $folder | Out-Null
        try {
            Set-Content (Join-Path $folder 'Sample.cs') @'
throw new PgPerfException("PgPerf.Sample.Broken", PgPerfErrorKind.InvalidOperation, "x");
var engine = "PgPerf.Engine";
'@
            $found = @(Find-ErrorIdLiteral $folder)
            $found.Count | Should -Be 1
            $found[0] | Should -Match 'Sample\.cs:1: PgPerf\.Sample\.Broken$'
        } finally {
            Remove-Item $folder -Recurse -Force
        }
    }

    It 'decides on ids and SQLSTATEs, never on message text (no ex.Message.Contains("...") or similar in src/)' {
        $hits = Get-ChildItem (Join-Path $Root 'src') -Recurse -Filter *.cs | Where-Object FullName -notmatch '[\\/](bin|obj)[\\/]' |
            Select-String -Pattern '(Message|MessageText)\s*\.\s*(Contains|StartsWith|EndsWith|IndexOf)\s*\(\s*"' |
            ForEach-Object { "$([System.IO.Path]::GetRelativePath($Root, $_.Path)):$($_.LineNumber): $($_.Line.Trim())" }
        $hits | Should -BeNullOrEmpty
    }
}
