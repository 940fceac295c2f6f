@{
    Synopsis    = 'Finds indexes that are not used, judged on a usage history that survives statistics resets and restarts.'
    Description = @'
Get-PgUnusedIndex judges every user index on its snapshot history (Invoke-PgIndexSnapshot) plus its live counters. Two readings in a row are continuous only when stats_reset and the server start are unchanged and no counter went down; otherwise the step between them is blind up to the reset, and the new counter value is a lower bound of the scans since. Days are counted in observed time only, so a pg_stat_reset() or a crash can never make a used index look unused. On the first run, the time since stats_reset (or the server start, whichever is later) counts as observation; an index created after monitoring began counts from its first snapshot.

Status: Active (a scan in the last 7 observed days), LowUsage (7 to -MinDaysUnused days), Unused (no scan for -MinDaysUnused days or more), ConsiderDropping (Unused and larger than 10 MB), InsufficientData (no scan seen, but less than -MinDaysUnused days observed: keep snapshots running, or use -IgnoreStatsAge). Every row has DaysSinceLastScan, ScansInWindow, ObservedDays, BlindDays, BlindGaps, SizeBytes and Definition. On PostgreSQL 16 and later, pg_stat_user_indexes.last_idx_scan is used as well.

Indexes behind a primary key, a unique or exclusion constraint, unique indexes and the replica identity are left out unless -IncludeConstraintIndexes: their use (checking uniqueness) never shows in idx_scan. Active indexes are left out unless -Status includes Active. The same verdict is available from psql as SELECT * FROM pgperf.detect_unused_indexes(30).

With -Repository it judges the indexes of the servers registered in a central repository from the history stored there (Invoke-PgIndexSnapshot -Repository), each as of its latest snapshot there: the same rule, one row per index of each server, Server naming the registered server. Those rows have no Definition (the index's definition is on the monitored server), and -RaiseAlerts with -Repository is the error PgPerf.Repository.NotWithRepository (alerts are opened in the database judged, given with -Connection); -Server without -Repository is the error PgPerf.Repository.ServerWithoutRepository.

Get-PgUnusedIndex is a report and writes nothing, unless -RaiseAlerts: then it also opens one 'unused_index' alert per ConsiderDropping index (dedup key unused_index:schema.index) and resolves the open ones whose index is used again or gone. The daily job uses -RaiseAlerts.
'@
    Parameters  = @{
        Repository               = 'A central repository prepared with Install-PgPerfSchema -Repository: judges the indexes of its registered servers (all, or those -Server names) from the history stored there.'
        Server                   = 'With -Repository: the registered names to report on; wildcards allowed. All registered servers when omitted.'
        MinDaysUnused            = 'Observed days without a scan before an index counts as Unused. Default 30 (the monitoring spec). Must be 1 or more.'
        MinSizeMB                = 'Leaves out indexes smaller than this many megabytes. Default 0 (all).'
        IncludeConstraintIndexes = 'Also judges indexes that enforce a primary key, unique or exclusion constraint, unique indexes and the replica identity.'
        IgnoreStatsAge           = 'Judges an index with no scan seen as Unused however short the observation is, instead of InsufficientData.'
        Status                   = 'Which verdicts to return: Active, LowUsage, Unused, ConsiderDropping, InsufficientData. Default: all but Active.'
        Schema                   = 'Only indexes in these schemas. Wildcards are allowed.'
        Table                    = 'Only indexes of these tables. Wildcards are allowed.'
        RaiseAlerts              = "Also opens an 'unused_index' alert for each ConsiderDropping index and resolves alerts whose index is used again or dropped. The check uses -MinDaysUnused, -IncludeConstraintIndexes and -IgnoreStatsAge but not the output filters. Only with -Connection (not -Repository)."
    }
    Examples    = @(
        @{
            Title   = 'The monitoring spec''s detectUnusedIndexes(30)'
            Code    = 'Get-PgUnusedIndex -MinDaysUnused 30 | Sort-Object SizeBytes -Descending | Format-Table'
            Remarks = 'Lists LowUsage, Unused, ConsiderDropping and InsufficientData indexes, largest first.'
        }
        @{
            Title   = 'Unused indexes of every shop server, from a central repository'
            Code    = "Get-PgUnusedIndex -Repository 'perfrepo:5432/pgperf' -Server 'shop-*' -Status ConsiderDropping | Sort-Object Server, SizeBytes -Descending"
            Remarks = 'Reads only the repository; each row''s Server is the registered name of the server the index is on.'
        }
        @{
            Title   = 'Review and drop the large unused ones'
            Code    = 'Get-PgUnusedIndex -Status ConsiderDropping | Remove-PgIndex -WhatIf'
            Remarks = 'Shows the exact DROP INDEX CONCURRENTLY statements Remove-PgIndex would run; remove -WhatIf to drop (it asks for confirmation).'
        }
        @{
            Title   = 'The daily alert check'
            Code    = 'Get-PgUnusedIndex -RaiseAlerts -Verbose | Out-Null'
            Remarks = "Opens or refreshes one 'unused_index' alert per ConsiderDropping index and resolves the others; the verbose line says how many."
        }
    )
    Links       = @('Invoke-PgIndexSnapshot', 'Remove-PgIndex', 'Get-PgIndexTrend')
}
